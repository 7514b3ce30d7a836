let verboseOn = false;

/** `--verbose` (anywhere on the command line): print details that are noise on a normal run. */
export function setVerbose(on: boolean): void {
  verboseOn = on;
}

export function isVerbose(): boolean {
  return verboseOn;
}

/** One short line about the tensor backend; the full reason (what was tried, kernels) under `--verbose`. */
export function backendLine(tensors: { backend: string; summary: string; reason: string }): string {
  return verboseOn ? `backend ${tensors.backend}: ${tensors.reason}` : tensors.summary;
}

/** Where a command writes; tests pass in-memory streams. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Working directory for relative paths (defaults to process.cwd()). */
  readonly cwd?: string;
}

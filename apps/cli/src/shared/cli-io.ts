/** Where a command reads and writes; tests pass in-memory streams. */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Standard input (a token piped to `actnas login`); defaults to the process's. */
  readonly stdin?: AsyncIterable<string | Buffer> & { readonly isTTY?: boolean };
  /** Working directory for relative paths (defaults to process.cwd()). */
  readonly cwd?: string;
  /** Environment (ACTNAS_TOKEN, ACTNAS_API, CI variables); defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

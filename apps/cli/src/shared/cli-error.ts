/**
 * Exit codes of every command (README, "Exit codes"):
 * 0 done (a search gate passed), 1 the result fails (infeasible budgets, no proposal meets them),
 * 2 bad input or auth (a flag, a file, a name, a token), 3 timed out waiting, 4 the API could not
 * be reached or failed (worth a retry).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_TIMEOUT = 3;
export const EXIT_UNAVAILABLE = 4;

/** An error printed as one line on stderr, ending the command with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** A machine-readable code for --json output (UNAUTHENTICATED, NOT_FOUND, AMBIGUOUS, …). */
    readonly code: string = 'ERROR',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** An error the user can fix (bad flag, bad file, unknown name): printed as one line, exit code 2. */
export class CliUsageError extends CliError {
  constructor(message: string, code = 'BAD_INPUT') {
    super(message, EXIT_USAGE, code);
    this.name = 'CliUsageError';
  }
}

/** Why a file could not be read, in words (`no such file`), for the one-line error of a command that reads it. */
export function unreadableFile(what: string, file: string, err: unknown): CliUsageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory, not a file' : (code ?? String(err));
  return new CliUsageError(`cannot read ${what} ${file}: ${why}`);
}

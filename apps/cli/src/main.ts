import { Command, CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './shared/cli-error.js';
import type { CliIo } from './shared/cli-io.js';
import type { CommandEntry } from './commands.js';
import { commandEntries } from './commands.js';

const EXIT_CODES = `
Exit codes: 0 done (a search gate passed), 1 the result fails (infeasible budgets, no proposal
meets them), 2 bad input or auth, 3 timed out waiting, 4 the API could not be reached or failed.
Every command prints one line on stderr when it fails; with --json, also {"error": …} on stdout.`;

/** The subcommand the arguments name (`actnas help <command>` included), if any. */
function invoked(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return commandEntries.find((c) => c.name === name);
}

/**
 * The program with the invoked subcommand fully registered and the others as one-line entries,
 * which are enough for the top-level help and for "unknown command" suggestions.
 */
export async function buildProgram(io: CliIo, setExitCode: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('actnas')
    .description('ActNAS: mixed-activation YOLO search, model export and device profiling')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.split('\n')[0] + '\n'),
    })
    .showSuggestionAfterError(true)
    // Options after a subcommand are that subcommand's (`search submit --k 5` is submit's --k).
    .enablePositionalOptions()
    .addHelpText('after', EXIT_CODES);
  const wanted = invoked(argv);
  for (const entry of commandEntries) {
    if (entry === wanted) (await entry.load())(program, io, setExitCode);
    else program.command(entry.name).description(entry.summary);
    program.commands.at(-1)!.summary(entry.summary);
  }
  return program;
}

/** Runs the CLI; returns the process exit code (see shared/cli-error.ts: 0 ok, 1 failure, 2 bad input or auth, 3 timeout, 4 API unavailable). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  try {
    const program = await buildProgram(io, (code) => {
      exitCode = code;
    }, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit through here with code 0; parse errors were already printed.
      if (err.exitCode === 0) return EXIT_OK;
      if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ error: { code: 'BAD_INPUT', message: firstLine(err.message).replace(/^error: /, ''), exitCode: EXIT_USAGE } })}\n`);
      return EXIT_USAGE;
    }
    const failure = err instanceof CliError ? err : new CliError(err instanceof Error ? err.message : String(err), EXIT_FAILURE);
    const message = firstLine(failure.message);
    io.stderr.write(`actnas: ${message}\n`);
    // Scripts that asked for JSON get the error as JSON on stdout too, with the exit code.
    if (argv.includes('--json')) io.stdout.write(`${JSON.stringify({ error: { code: failure.code, message, exitCode: failure.exitCode } })}\n`);
    return failure.exitCode;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

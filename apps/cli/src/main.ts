import { Command, CommanderError } from 'commander';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './shared/cli-error.js';
import type { CliIo } from './shared/cli-io.js';
import type { CommandEntry } from './commands.js';
import { commandEntries } from './commands.js';

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
    .showSuggestionAfterError(true);
  const wanted = invoked(argv);
  for (const entry of commandEntries) {
    if (entry === wanted) (await entry.load())(program, io, setExitCode);
    else program.command(entry.name).description(entry.summary);
    program.commands.at(-1)!.summary(entry.summary);
  }
  return program;
}

/** Runs the CLI; returns the process exit code (0 ok, 1 failure, 2 bad usage or bad input). */
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
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof CliUsageError) {
      io.stderr.write(`actnas: ${firstLine(err.message)}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`actnas: ${err instanceof Error ? firstLine(err.message) : String(err)}\n`);
    return EXIT_FAILURE;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

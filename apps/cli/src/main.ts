import { Command, CommanderError } from 'commander';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './shared/cli-error.js';
import type { CliIo } from './shared/cli-io.js';
import { commandModules } from './commands.js';

export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('actnas')
    .description('ActNAS: mixed-activation YOLO search, model export and device profiling')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.split('\n')[0] + '\n'),
    })
    .showSuggestionAfterError(true);
  for (const mod of commandModules) mod(program, io, setExitCode);
  return program;
}

/** Runs the CLI; returns the process exit code (0 ok, 1 failure, 2 bad usage or bad input). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
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

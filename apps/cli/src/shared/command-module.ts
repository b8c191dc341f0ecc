import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';

/**
 * A command module adds its subcommand to the program. Actions report their exit code through
 * `setExitCode`, so `main` can run in-process in tests.
 */
export type CommandModule = (program: Command, io: CliIo, setExitCode: (code: number) => void) => void;

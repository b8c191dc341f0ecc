import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import type { VerifyFlags } from './verify.action.js';
import { verifyRunOptions } from './verify-flags.js';

/** `actnas verify`: measure proposals whole on this device, beside their predictions. */
export const verifyCommand: CommandModule = (program, io: CliIo, setExitCode) => {
  verifyRunOptions(
    program
      .command('verify')
      .description('measure proposals (actnas search --json) as whole models on this device: latency delta (paired, CI), planner peak memory, NWOT; predicted beside measured, flagged')
      .requiredOption('--proposals <file>', 'the output of actnas search --json')
      .option('--ranks <list>', 'ranks to verify, e.g. 1-10 or 1,3,5-7 (default: all)')
      .option('--baselines', 'also verify all-reference, all-ReLU and all-Hardswish')
      .option('--metrics <list>', 'metrics to measure', 'latency,memory,accuracy')
      .option('--latency <file>', 'latency table: predictions are its sums (default: the totals in the proposals file)')
      .option('--memory <file>', 'memory table (KB)')
      .option('--accuracy <file>', 'accuracy (NWOT) table')
      .option('--max-latency <ms>', 'latency budget (reference + delta), flagged when broken as measured')
      .option('--max-memory <kb>', 'memory budget (arena KB)')
      .option('--max-accuracy-drop <x>', 'accuracy budget: delta ≥ −x'),
  )
    .option('-o, --output <file>', 'write the report (.csv, one row per model and metric, or .json)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: VerifyFlags) => (await import('./verify.action.js')).verifyAction(flags, io, setExitCode));
};

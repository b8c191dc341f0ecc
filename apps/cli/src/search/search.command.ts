import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import type { SubmitFlags } from '../platform/search-submit.js';
import type { VerifyLoopFlags } from '../verify/verify-loop.js';
import { verifyRunOptions } from '../verify/verify-flags.js';
import type { SearchFlags } from './search.action.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export const searchCommand: CommandModule = (program: Command, io: CliIo, setExitCode) => {
  const search = program
    .command('search')
    // `search submit --k 5`: options after the subcommand are the subcommand's own.
    .enablePositionalOptions()
    .description('Find the best per-site activations under budgets from cost tables (ranked top-k proposals and baselines)')
    .option('--latency <file>', 'latency table (CSV layer,activation,reference,delta or wide, or JSON)')
    .option('--latency-device <name=file>', 'latency table of a named device (repeatable)', collect, [])
    .option('--accuracy <file>', 'accuracy table (negative delta = worse)')
    .option('--memory <file>', 'memory table (KB)')
    .option('--objective <goal>', 'min-latency | min-memory | max-accuracy (optionally @device) | weighted:latency=1,accuracy=-1000', 'min-latency')
    .option('--max-accuracy-drop <x>', 'Σ accuracy deltas ≥ −x')
    .option('--max-latency <ms>', 'total latency budget on the --latency table')
    .option('--max-latency-device <name=ms>', 'total latency budget on a named device (repeatable)', collect, [])
    .option('--max-memory <kb>', 'total memory budget')
    .option('--live-set <file>', 'per-step live-set rows (actnas profile --metric memory --live-set) for --max-peak-memory')
    .option('--max-peak-memory <kb>', 'peak live memory budget, exact over every step of the live-set rows')
    .option('--k <n>', 'number of ranked proposals', '10')
    .option('--diversity <d>', 'minimum number of differing sites between any two proposals', '3')
    .addOption(new Option('--strategy <name>', 'search strategy').choices(['ilp', 'exact', 'random', 'lzcm', 'naive', 'pareto']).default('ilp'))
    .option('--seed <n>', 'seed of the random strategy', '1')
    .option('--samples <n>', 'random strategy: assignments to sample')
    .option('--time-limit <ms>', 'random strategy: time budget')
    .option('--naive-n <n>', 'naive strategy: number of leading sites to switch', '3')
    .option('--target <act>', 'naive / LZCM: activation to switch to (default relu)')
    .option('--lock <site=act>', 'fix a site to an activation (repeatable)', collect, [])
    .option('--allow <site=a,b>', 'restrict the candidates at a site (repeatable)', collect, [])
    .option('--reference <act>', 'reference activation of the model', 'silu')
    .option('--json', 'print the result as JSON')
    .option('--table', 'print the result as tables (default)')
    .option('--verify', 'verify the top-k on this device (see actnas verify) and search again with each budget a proposal breaks as measured tightened by its residual')
    .option('--rounds <n>', 'with --verify: search-and-verify rounds at most', '3');
  // The build bundles search.action.js with the search engine and the CSV reader into one file
  // (package.json bundle:search): one module to load instead of ~55, about 30 ms of CPU per search.
  verifyRunOptions(search, ' (--verify)').action(async (flags: SearchFlags & VerifyLoopFlags) =>
    flags.verify ? (await import('../verify/verify-loop.js')).searchAndVerify(flags, io, setExitCode) : (await import('./search.action.js')).localSearch(flags, io, setExitCode),
  );
  search
    .command('submit')
    .description('run the search on the platform, by project, model and device names: the newest tables of the model on each device; with --wait, exit 0 when a proposal meets the budgets')
    .requiredOption('--project <name|id>', 'project the proposal set is stored in (as its next version)')
    .requiredOption('--model <name|id>', 'model spec of your organization')
    .option('--device <name|id>', "device profile (repeatable; yours or shared with you; name@owner picks between two of one name)", collect, [])
    .option('--table <id>', 'use exactly these cost tables instead of the newest of each metric (repeatable)', collect, [])
    .option('--objective <goal>', 'min-latency | min-memory | max-accuracy, @DEVICE with several devices', 'min-latency')
    .option('--max-accuracy-drop <x>', 'Σ accuracy deltas ≥ −x')
    .option('--max-latency <ms>', 'total latency budget on every device')
    .option('--max-memory <kb>', 'total memory budget on every device')
    .option('--max-peak-memory <kb>', 'peak live memory budget on every device (their memory tables need live-set rows)')
    .option('--k <n>', 'number of ranked proposals', '10')
    .option('--diversity <d>', 'minimum number of differing sites between any two proposals', '3')
    .option('--strategy <name>', 'ilp, exact, random, lzcm, naive or pareto', 'ilp')
    .option('--candidates <list>', 'activations allowed at every site (default: those every table covers)')
    .option('--lock <site=act>', 'fix a site to an activation (repeatable)', collect, [])
    .option('--idempotency-key <key>', 'a retry with the same key returns the first search (default in CI: the run id and a hash of the request)')
    .option('--wait', 'wait for the result; exit 0 when a proposal meets the budgets, 1 when none does, 3 on --timeout')
    .option('--timeout <s>', 'with --wait: seconds to wait', '600')
    .option('--verify-rounds <n>', 'verify each round on the device (an agent measures the proposals) and tighten broken budgets, 1 to 5 rounds; --wait then exits 0 only when a proposal meets the budgets as measured')
    .option('--verify-device <name>', 'with --verify-rounds: the device profile to verify on (default: the only --device)')
    .option('--api <url>', "the API's GraphQL URL (default: $ACTNAS_API, else the stored login)")
    .option('--org <slug>', 'organization, when the login sees several')
    .option('--json', 'print the search request, the chosen tables and the proposal set as JSON')
    .action(async (flags: SubmitFlags) => (await import('../platform/search-submit.js')).submitSearch(flags, io, setExitCode));
};


import type { CommandModule } from './shared/command-module.js';

/**
 * The CLI's subcommands, in help order. Each is loaded only when it runs (or its help is asked
 * for), so start-up does not pay for onnxruntime, tfjs, glpk or the GraphQL client of commands that
 * do not run. `summary` is the one line of the top-level help; the module describes itself in full.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

export const commandEntries: readonly CommandEntry[] = [
  { name: 'model', summary: 'YOLO model specs and ONNX files: info, export, sites, upload', load: async () => (await import('./model/model.command.js')).modelCommand },
  { name: 'search', summary: 'best per-site activations under budgets: from table files, or on the platform (search submit)', load: async () => (await import('./search/search.command.js')).searchCommand },
  { name: 'profile', summary: 'measure a latency, memory or NWOT accuracy cost table on a runtime', load: async () => (await import('./profile/profile.command.js')).profileCommand },
  { name: 'verify', summary: 'measure proposals whole on this device: predicted beside measured latency, memory and NWOT, flagged', load: async () => (await import('./verify/verify.command.js')).verifyCommand },
  { name: 'agent', summary: 'lease profiling jobs from the API, measure them here, upload the tables', load: async () => (await import('./agent/agent.command.js')).agentCommand },
  { name: 'login', summary: 'store an API token for the platform commands (checked first, readable by you only)', load: async () => (await import('./platform/auth.command.js')).loginCommand },
  { name: 'logout', summary: 'forget the stored login', load: async () => (await import('./platform/auth.command.js')).logoutCommand },
  { name: 'whoami', summary: 'the API, identity and organizations of the current login', load: async () => (await import('./platform/auth.command.js')).whoamiCommand },
  { name: 'tables', summary: 'publish cost tables to the platform and pull them, by device and model name', load: async () => (await import('./platform/tables.command.js')).tablesCommand },
  { name: 'jobs', summary: 'queue profiling jobs for your device agents, wait for them, list them', load: async () => (await import('./platform/jobs.command.js')).jobsCommand },
  { name: 'proposals', summary: "export a project's proposals (ONNX, YAML, JSON) and diff two versions", load: async () => (await import('./platform/proposals.command.js')).proposalsCommand },
];

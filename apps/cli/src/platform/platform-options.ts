import type { Command } from 'commander';
import { API_ENV, ORG_ENV } from './platform-session.js';

/** `--api`, `--org` and `--json`, which every platform command takes. */
export function platformOptions(cmd: Command): Command {
  return cmd
    .option('--api <url>', `the API's GraphQL URL (default: $${API_ENV}, else the stored login)`)
    .option('--org <slug>', `organization, when the login sees several (default: $${ORG_ENV}, else the stored one)`)
    .option('--json', 'print the result as JSON');
}

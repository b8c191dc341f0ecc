/**
 * @actnas/devices — runtimes, measurement, and the `actnas` CLI.
 */
export { main as runCli } from './cli/main.js';
export type { CliIo } from './cli/cli-io.js';
export { CliUsageError } from './cli/cli-error.js';

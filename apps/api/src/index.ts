/**
 * @actnas/api — the GraphQL API server. `createServer` starts it on a port of your choice.
 */
export { createServer } from './server.js';
export type { CreateServerOptions, RunningServer } from './server.js';
export { loadConfig, ConfigError } from './config.js';
export type { ApiConfig } from './config.js';
export { ErrorCode } from './errors.js';
export { DEMO, seedDemo } from './seed/demo-seed.js';
export type { DemoSeed } from './seed/demo-seed.js';
export { printedSchema } from './graphql/sdl.js';
export { createDataSource, openDatabase } from './database/data-source.js';
export { entities } from './database/entities.js';

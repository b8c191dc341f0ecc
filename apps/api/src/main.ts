import cluster from 'node:cluster';
import { startApiCluster } from './cluster.js';
import { ConfigError, loadConfig } from './config.js';
import { DEMO, seedDemo } from './seed/demo-seed.js';
import { createServer } from './server.js';

// A stray rejected promise (say, a fire-and-forget write whose connection just died) must not
// take the API down with every request in flight and every running search: log it, keep serving.
process.on('unhandledRejection', (reason) => {
  console.error('[api] unhandled promise rejection (the API keeps serving):', reason);
});

function stopOn(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Every database call is awaited where it is made; should a library still drop a rejection (a
// connection killed at the wrong moment), log it and keep serving rather than take the API down.
process.on('unhandledRejection', (reason) => console.error('[api] unhandled rejection (kept serving):', reason));

try {
  const config = loadConfig();
  if (cluster.isPrimary && config.apiProcesses > 1) {
    const api = await startApiCluster(config);
    console.log(`ActNAS API listening on ${api.url} (${config.apiProcesses} processes)`);
    stopOn(() => api.close());
  } else {
    const server = await createServer();
    if (cluster.isPrimary) console.log(`ActNAS API listening on ${server.url}`);
    // One process seeds; the others serve meanwhile.
    if (process.env['ACTNAS_SEED_DEMO'] === '1' && (cluster.isPrimary || cluster.worker?.id === 1)) {
      const seeded = await seedDemo(server.dataSource, server.services, new Date());
      if (seeded.created) console.log(`Seeded the demo organization "${DEMO.slug}": sign in as ${DEMO.email} / ${DEMO.password}`);
    }
    stopOn(() => server.close());
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

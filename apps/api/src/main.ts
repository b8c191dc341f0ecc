import { ConfigError } from './config.js';
import { DEMO, seedDemo } from './seed/demo-seed.js';
import { createServer } from './server.js';

try {
  const server = await createServer();
  console.log(`ActNAS API listening on ${server.url}`);
  if (process.env['ACTNAS_SEED_DEMO'] === '1') {
    const seeded = await seedDemo(server.dataSource, server.services, new Date());
    if (seeded.created) console.log(`Seeded the demo organization "${DEMO.slug}": sign in as ${DEMO.email} / ${DEMO.password}`);
  }
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

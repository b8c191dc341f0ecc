import { ConfigError } from './config.js';
import { createServer } from './server.js';

try {
  const server = await createServer();
  console.log(`ActNAS API listening on ${server.url}`);
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

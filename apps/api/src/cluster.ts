import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { createServer as createNetServer } from 'node:net';
import type { ApiConfig } from './config.js';
import { ConfigError } from './config.js';
import { openDatabase } from './database/data-source.js';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { JobQueue } from './jobs/job-queue.js';

/** The primary of a group of API processes sharing one port (node:cluster). */
export interface ApiCluster {
  /** The GraphQL endpoint all workers serve. */
  readonly url: string;
  readonly workers: () => readonly Worker[];
  close(): Promise<void>;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs in the primary: applies pending migrations once, then forks `config.apiProcesses` workers
 * that re-run the current script (which must call `createServer` when `cluster.isWorker`) and share
 * one port. A worker that dies is replaced. Each worker has its own pool of
 * `config.databasePoolSize` connections and its own search workers.
 */
export async function startApiCluster(config: ApiConfig, env: NodeJS.ProcessEnv = {}): Promise<ApiCluster> {
  if (!config.databaseUrl) {
    throw new ConfigError(['API_PROCESSES: more than one process needs DATABASE_URL (the embedded database lives in one process)']);
  }
  // Workers would otherwise race to apply the same migrations and to create pg-boss's schema and
  // queue (which deadlocks on a fresh database).
  await (await openDatabase({ url: config.databaseUrl, poolSize: 1 })).destroy();
  const jobs = new JobQueue({ url: config.databaseUrl, workers: 0 });
  await jobs.start();
  await jobs.stop();
  // Sign-in throttling counts in this process for all workers (rate-limiter-flexible's cluster store).
  new RateLimiterClusterMaster();
  // Workers listening on port 0 each get a port of their own; pick one they share.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const workerEnv = { ...env, PORT: String(port), HOST: config.host, API_PROCESSES: '1' };
  let started = false;
  let closing = false;
  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    worker.once('exit', (code, signal) => {
      if (!started || closing) return;
      console.error(`[api] worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      fork();
    });
    return worker;
  };
  const listening = Array.from({ length: config.apiProcesses }, () => {
    const worker = fork();
    return new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code) => reject(new Error(`an API worker exited with ${code} while starting`)));
    });
  });
  try {
    await Promise.all(listening);
    started = true;
  } catch (error) {
    closing = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    throw error;
  }
  return {
    url: `http://${config.host}:${port}/graphql`,
    workers: () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
    async close() {
      closing = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

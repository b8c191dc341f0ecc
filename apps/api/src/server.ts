import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { loadConfig } from './config.js';
import type { ApiConfig } from './config.js';
import { openDatabase } from './database/data-source.js';
import { embeddedPoolSize, startEmbeddedPostgres } from './database/embedded.js';
import type { EmbeddedPostgres } from './database/embedded.js';
import { formatError } from './errors.js';
import type { Context } from './graphql/context.js';
import { createLoaders } from './graphql/context.js';
import { costLimitPlugin } from './graphql/cost-limit.js';
import { depthLimitRule } from './graphql/depth-limit.js';
import { buildSchema } from './graphql/schema.js';
import { createServices } from './graphql/services.js';
import type { Services } from './graphql/services.js';
import { JobQueue } from './jobs/job-queue.js';
import { modelUploadRoute } from './modules/model-specs/model-upload.route.js';
import { SearchRunner } from './modules/searches/search-runner.js';
import { ChangeFeed } from './response-cache/change-feed.js';
import { ResponseCache } from './response-cache/response-cache.js';
import { requestCacheState, responseCacheMiddleware, responseCachePlugin } from './response-cache/response-cache.middleware.js';

export interface CreateServerOptions extends Partial<ApiConfig> {
  /** Clock for request contexts; tests pin it. */
  readonly clock?: () => Date;
}

export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  readonly url: string;
  readonly dataSource: DataSource;
  readonly services: Services;
  /** Whether the response cache is serving (the change feed is live), and its counters. */
  readonly responseCache: { readonly enabled: boolean; readonly hits: number; readonly misses: number };
  close(): Promise<void>;
}

interface Storage {
  readonly dataSource: DataSource;
  readonly url: string;
  readonly embedded?: EmbeddedPostgres;
}

async function openStorage(config: ApiConfig): Promise<Storage> {
  if (config.databaseUrl) {
    return { dataSource: await openDatabase({ url: config.databaseUrl, poolSize: config.databasePoolSize }), url: config.databaseUrl };
  }
  const embedded = await startEmbeddedPostgres(join(config.dataDir, 'pglite'));
  try {
    const dataSource = await openDatabase({ url: embedded.url, poolSize: embeddedPoolSize });
    return { dataSource, url: embedded.url, embedded };
  } catch (error) {
    await embedded.close();
    throw error;
  }
}

const bodyErrors: ErrorRequestHandler = (error: { status?: number; type?: string }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: 'Request body too large', extensions: { code: 'BAD_USER_INPUT', field: [] } }] });
    return;
  }
  if (error.status === 400) {
    res.status(400).json({ errors: [{ message: 'Malformed JSON body', extensions: { code: 'BAD_USER_INPUT', field: [] } }] });
    return;
  }
  next(error);
};

/**
 * Opens the database (PostgreSQL from `databaseUrl`, else embedded PGlite under `dataDir`),
 * applies migrations and serves GraphQL at /graphql. Options override the environment.
 */
export async function createServer(options: CreateServerOptions = {}): Promise<RunningServer> {
  const { clock = () => new Date(), ...overrides } = options;
  const config: ApiConfig = { ...loadConfig(), ...overrides };
  const { dataSource, url, embedded } = await openStorage(config);
  const feed = new ChangeFeed(url, (message) => console.warn(message));
  // On the embedded database too: its session multiplexer hands every NOTIFY to each listener.
  if (config.responseCache) await feed.start();
  const cache = new ResponseCache(feed);
  const jobs = new JobQueue({ url, workers: config.searchWorkers, pollingIntervalSeconds: 0.5 });
  await jobs.start();
  const services = createServices(dataSource, config, jobs);
  const runner = new SearchRunner(dataSource, services.proposalSets, services.costTables, clock);
  await jobs.work((job) => runner.run(job.searchRequestId));
  const schema = buildSchema();
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    // main.ts (and any embedder) stops the whole server on signals; Apollo's own handler would
    // re-raise the signal after stopping only itself, killing the process before jobs and pools close.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: [depthLimitRule(config.maxDepth)],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      costLimitPlugin(schema, config.maxCost),
      responseCachePlugin(cache),
      // No HTTP caching of GraphQL responses here; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, responseCache: cache.enabled });
  });
  app.put('/uploads/model-specs', modelUploadRoute({ dataSource, services, config, clock }));
  app.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    bodyErrors,
    responseCacheMiddleware({ cache, dataSource, clock }),
    expressMiddleware(apollo, {
      context: async ({ res }) => {
        const responseCache = requestCacheState(res)!;
        const { actor } = responseCache;
        return { dataSource, services, config, actor, now: clock(), loaders: createLoaders(dataSource, services, actor), responseCache };
      },
    }),
  );
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}/graphql`,
    dataSource,
    services,
    responseCache: cache,
    async close() {
      await apollo.stop();
      await feed.close();
      await jobs.stop();
      await dataSource.destroy();
      await embedded?.close();
    },
  };
}

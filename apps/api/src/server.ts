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
import { formatError, httpError } from './errors.js';
import type { Context } from './graphql/context.js';
import { createLoaders } from './graphql/loaders.js';
import { costLimitPlugin } from './graphql/cost-limit.js';
import { errorListPlugin, httpStatusPlugin } from './graphql/http-status.js';
import { inputHygienePlugin } from './graphql/input-hygiene.js';
import { ExportBudget } from './graphql/export-budget.js';
import { crossTenantSql } from './database/tenant.js';
import { depthLimitRule } from './graphql/depth-limit.js';
import { buildSchema } from './graphql/schema.js';
import { createServices } from './services.js';
import type { Services } from './services.js';
import { JobQueue } from './jobs/job-queue.js';
import { UPLOAD_PATH, modelUploadRoute } from './modules/model-specs/model-upload.route.js';
import { modelFileRoute } from './modules/model-specs/model-file.route.js';
import { SearchVerificationLoop } from './modules/searches/search-verification.js';
import { SearchRunner } from './modules/searches/search-runner.js';
import { ChangeFeed } from './response-cache/change-feed.js';
import { DEFAULT_RESPONSE_CACHE, ResponseCache } from './response-cache/response-cache.js';
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

const BODY_MESSAGES: Readonly<Record<string, string>> = {
  'entity.too.large': 'Request body too large',
  'entity.parse.failed': 'Malformed JSON body',
  'charset.unsupported': 'Unsupported charset: send JSON as UTF-8 (content-type: application/json; charset=utf-8)',
  'encoding.unsupported': 'Unsupported content encoding',
  'request.aborted': 'The request body was cut off',
  'request.size.invalid': 'The body does not match its Content-Length',
};

/** The JSON body parser's rejections (413, 415, 400) in the GraphQL error shape, never an HTML page. */
const bodyErrors: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, _req, res, next) => {
  if (typeof error.type !== 'string' || !error.status || error.status < 400 || error.status >= 500) return next(error);
  const message = BODY_MESSAGES[error.type] ?? (error.status === 400 ? 'Malformed JSON body' : (error.message ?? 'Bad request body'));
  res.status(error.status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field: [], reason: error.type } }] });
};

/**
 * Anything that reaches Express's own handler (a database failure while authenticating, a body
 * parser error) answers in the GraphQL shape with its status, never as an HTML page.
 */
const lastErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) return next(error);
  const { status, body } = httpError(error);
  const retryAfter = body.errors[0]?.extensions?.['retryAfterSeconds'];
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
  res.status(status).json(body);
};

/** SELECT 1 with a deadline, for /healthz. */
async function databaseHealth(dataSource: DataSource): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await Promise.race([
      crossTenantSql(dataSource, 'global', 'SELECT 1', []),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** Every quarter lease, requeues searches whose worker died (logged, never thrown). */
function startReaper(runner: SearchRunner, jobs: JobQueue, leaseSeconds: number): NodeJS.Timeout {
  const reap = (): void => void runner.requeueStale(jobs).catch((error: unknown) => console.warn('[search] requeue:', (error as Error).message));
  reap();
  const timer = setInterval(reap, (leaseSeconds * 1000) / 4);
  timer.unref();
  return timer;
}

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
  const cache = new ResponseCache(feed, DEFAULT_RESPONSE_CACHE, config.responseCache);
  const jobs = new JobQueue({ url, workers: config.searchWorkers, pollingIntervalSeconds: 0.5 });
  await jobs.start();
  const services = createServices(dataSource, config, jobs);
  const loop = new SearchVerificationLoop(services.proposalSets, services.verificationJobs, services.costTables, jobs, services.audit, clock);
  services.verificationJobs.listen(loop);
  const runner = new SearchRunner(dataSource, services.proposalSets, services.costTables, clock, { leaseSeconds: config.searchLeaseSeconds }, loop);
  await jobs.work((job) => runner.run(job));
  const reaper = config.searchWorkers > 0 ? startReaper(runner, jobs, config.searchLeaseSeconds) : undefined;
  const schema = buildSchema();
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  if (config.trustProxy) app.set('trust proxy', /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy === 'true' ? true : config.trustProxy);
  const httpServer = createHttpServer(app);
  // `Expect: 100-continue` (curl sends it for large bodies, and so does `actnas model upload`):
  // the upload route answers it itself after its auth and size checks, so a refused upload is
  // refused before its body is sent. Every other request is told to continue at once.
  httpServer.on('checkContinue', (req, res) => {
    if (!(req.method === 'PUT' && req.url?.split('?')[0] === UPLOAD_PATH)) res.writeContinue();
    app(req, res);
  });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    // Without introspection, "Did you mean …?" would still spell the schema out field by field.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    // A document of more tokens than any client sends is refused while parsing (10k aliases never reach validation).
    parseOptions: { maxTokens: config.maxTokens },
    // main.ts (and any embedder) stops the whole server on signals; Apollo's own handler would
    // re-raise the signal after stopping only itself, killing the process before jobs and pools close.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: [depthLimitRule(config.maxDepth)],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      costLimitPlugin(schema, config.maxCost),
      httpStatusPlugin(),
      errorListPlugin(),
      inputHygienePlugin(),
      responseCachePlugin(cache),
      // No HTTP caching of GraphQL responses here; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  app.get('/healthz', async (_req, res) => {
    const database = await databaseHealth(dataSource);
    res.status(database.ok ? 200 : 503).json({ ok: database.ok, database, responseCache: cache.enabled });
  });
  app.put(UPLOAD_PATH, modelUploadRoute({ dataSource, services, config, clock }));
  app.get('/model-specs/:id/file', modelFileRoute({ dataSource, services, clock }));
  app.use(
    '/graphql',
    express.json({ limit: config.bodyLimitBytes }),
    bodyErrors,
    responseCacheMiddleware({ cache, dataSource, clock }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const responseCache = requestCacheState(res)!;
        const { actor } = responseCache;
        return { dataSource, services, config, actor, now: clock(), loaders: createLoaders(dataSource, services, actor), clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown', exports: new ExportBudget(config.exportMaxBytes), responseCache };
      },
    }),
  );
  app.use((req, res) => {
    res.status(404).json({ errors: [{ message: `No route ${req.method} ${req.path}`, extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use(lastErrors);
  await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${config.host}:${port}/graphql`,
    dataSource,
    services,
    responseCache: cache,
    async close() {
      clearInterval(reaper);
      await apollo.stop();
      await feed.close();
      await jobs.stop();
      await dataSource.destroy();
      await embedded?.close();
    },
  };
}

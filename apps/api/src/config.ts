import { z } from 'zod';

/** Everything the API reads from its environment, parsed once at start-up. */
export interface ApiConfig {
  /** PostgreSQL URL; undefined selects the embedded PGlite database under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly introspection: boolean;
  readonly bodyLimitBytes: number;
  /** Largest uploaded model file (ONNX or YAML), after base64 decoding. */
  readonly modelMaxBytes: number;
  readonly maxDepth: number;
  readonly maxCost: number;
  /** Tokens of one GraphQL document (parsing stops beyond). */
  readonly maxTokens: number;
  /** Bytes of exported files (base64 included) one request may return. */
  readonly exportMaxBytes: number;
  readonly sessionTtlHours: number;
  /** Search jobs this process solves at once; 0 makes an API-only process. */
  readonly searchWorkers: number;
  /** Processes serving the API on one port (node:cluster); more than one needs `databaseUrl`. */
  readonly apiProcesses: number;
  /** PostgreSQL connections of each process's request pool (pg-boss has its own few). */
  readonly databasePoolSize: number;
  /** Serve repeated queries from a per-process cache invalidated by database change notifications. */
  readonly responseCache: boolean;
  /** scrypt cost of new password hashes, as log2(N); hashes of a lower cost are redone at sign-in. */
  readonly passwordScryptLogN: number;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client address (sign-in throttling). */
  readonly trustProxy: string | undefined;
  /** A running search whose worker has not beaten its heartbeat for this long is given to another worker. */
  readonly searchLeaseSeconds: number;
}

const booleanText = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
  ACTNAS_DATA_DIR: z.string().min(1).default('.actnas-data'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  GRAPHQL_INTROSPECTION: booleanText.optional(),
  // Big enough for a base64 ONNX upload of MODEL_MAX_BYTES (base64 adds a third).
  GRAPHQL_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(24 * 1_048_576),
  MODEL_MAX_BYTES: z.coerce.number().int().positive().default(16 * 1_048_576),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(5_000),
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(20_000),
  GRAPHQL_MAX_EXPORT_BYTES: z.coerce.number().int().positive().default(48 * 1_048_576),
  SEARCH_WORKERS: z.coerce.number().int().min(0).max(64).default(2),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  GRAPHQL_RESPONSE_CACHE: booleanText.default(true),
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(17),
  TRUST_PROXY: z.string().trim().min(1).optional(),
  SEARCH_LEASE_SECONDS: z.coerce.number().min(2).max(3600).default(40),
  NODE_ENV: z.string().optional(),
});

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.ACTNAS_DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
    bodyLimitBytes: e.GRAPHQL_BODY_LIMIT_BYTES,
    modelMaxBytes: e.MODEL_MAX_BYTES,
    maxDepth: e.GRAPHQL_MAX_DEPTH,
    maxCost: e.GRAPHQL_MAX_COST,
    maxTokens: e.GRAPHQL_MAX_TOKENS,
    exportMaxBytes: e.GRAPHQL_MAX_EXPORT_BYTES,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    searchWorkers: e.SEARCH_WORKERS,
    apiProcesses: e.API_PROCESSES,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    responseCache: e.GRAPHQL_RESPONSE_CACHE,
    searchLeaseSeconds: e.SEARCH_LEASE_SECONDS,
    passwordScryptLogN: e.PASSWORD_SCRYPT_LOG_N,
    trustProxy: e.TRUST_PROXY,
  };
}

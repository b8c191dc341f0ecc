import type { GraphQLFormattedError } from 'graphql/index.js';
import type { z } from 'zod';

/** Every error code a client can see in `extensions.code`. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  INFEASIBLE: 'INFEASIBLE',
  /** Too many attempts (sign-in throttling); `extensions.retryAfterSeconds` and a Retry-After header say when to try again. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** The database is unreachable for now; nothing was changed. Retry after `extensions.retryAfterSeconds`. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A failure the client caused or may act on; anything else is reported as internal. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: readonly (string | number)[],
    /** Extra machine-readable detail, e.g. every issue of a rejected upload. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'Sign in or send a valid API token'): AppError =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Your role does not allow this'): AppError => new AppError(ErrorCode.FORBIDDEN, message);
/** One message for "missing" and "hidden", so callers cannot tell them apart. */
export const notFound = (what: string): AppError => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const badInput = (field: readonly (string | number)[], message: string): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, field);
export const conflict = (message: string): AppError => new AppError(ErrorCode.CONFLICT, message);
export const infeasible = (message: string): AppError => new AppError(ErrorCode.INFEASIBLE, message);

/** Parses resolver input with a zod schema; the first issue becomes BAD_USER_INPUT with its path. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, root: readonly string[] = ['input']): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...root, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  throw badInput(path, issue.message);
}

/** A streamed body over its limit: BAD_USER_INPUT for GraphQL clients, HTTP 413 on plain routes. */
export const payloadTooLarge = (limitBytes: number): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, `Model files are limited to ${limitBytes} bytes`, ['body'], { reason: 'PAYLOAD_TOO_LARGE', limitBytes });

const PG_UNIQUE_VIOLATION = '23505';

// PostgreSQL went away or refused us for now: the connection classes 08 (connection exception),
// 57P01-57P03 (shut down, crashed, starting up), 53300 (too many connections); and TypeORM's
// QueryRunnerAlreadyReleasedError, raised in a transaction whose connection died under it.
const TRANSIENT_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
const TRANSIENT_MESSAGES = /Connection terminated|connection ended|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established|terminating connection|the database system is (starting up|shutting down)|Client was closed and is not queryable|Cannot use a pool after calling end|Query runner already released/i;

/** A failure of the connection to the database (not of the statement): retrying later may succeed. */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_NODE_CODES.has(code))) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
    current = (current as { driverError?: unknown; cause?: unknown; originalError?: unknown }).driverError ?? (current as { cause?: unknown }).cause ?? (current as { originalError?: unknown }).originalError;
  }
  return false;
}

/** How long a client should wait before retrying after SERVICE_UNAVAILABLE. */
export const SERVICE_UNAVAILABLE_RETRY_SECONDS = 1;

export const serviceUnavailable = (): AppError =>
  new AppError(ErrorCode.SERVICE_UNAVAILABLE, 'The database is unavailable for now; nothing was changed. Retry shortly.', undefined, {
    retryAfterSeconds: SERVICE_UNAVAILABLE_RETRY_SECONDS,
  });

function isUniqueViolation(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string } } | null)?.driverError;
  return (error as { code?: string } | null)?.code === PG_UNIQUE_VIOLATION || driverError?.code === PG_UNIQUE_VIOLATION;
}

const CLIENT_FAULTS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE']);

/**
 * The one place where thrown errors become GraphQL errors. AppErrors keep their code (and field);
 * malformed operations and variables become BAD_USER_INPUT; unique violations become CONFLICT;
 * anything else is masked as INTERNAL_SERVER_ERROR and logged.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // Duck-typed: should a second copy of graphql load (ESM next to CJS), `instanceof` would lie.
  const original = error !== null && typeof error === 'object' && 'originalError' in error ? error.originalError : error;
  const where = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
  if (original instanceof AppError) {
    return {
      message: original.message,
      ...where,
      extensions: { code: original.code, ...(original.field ? { field: original.field } : {}), ...original.details },
    };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && Object.hasOwn(ErrorCode, code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  if (typeof code === 'string' && CLIENT_FAULTS.has(code)) {
    return { message: formatted.message, ...where, extensions: { code: ErrorCode.BAD_USER_INPUT, field: [], reason: code } };
  }
  if (original && isTransientDatabaseError(original)) {
    console.warn('[api] database unavailable:', (original as Error).message);
    const unavailable = serviceUnavailable();
    return { message: unavailable.message, ...where, extensions: { code: unavailable.code, ...unavailable.details } };
  }
  if (original && isUniqueViolation(original)) {
    return { message: 'Conflicts with an existing record', ...where, extensions: { code: ErrorCode.CONFLICT } };
  }
  console.error('[api] unexpected error', original ?? error);
  return { message: 'Internal server error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  INFEASIBLE: 422,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** The HTTP status for an error code (500 for anything unknown). */
export function httpStatusOf(code: unknown): number {
  return typeof code === 'string' && Object.hasOwn(HTTP_STATUS, code) ? HTTP_STATUS[code as ErrorCode] : 500;
}

/** `formatError` for plain HTTP routes (uploads): the status for its code and a GraphQL-shaped body. */
export function httpError(error: unknown): { status: number; body: { errors: GraphQLFormattedError[] } } {
  const formatted = formatError({ message: error instanceof Error ? error.message : String(error) }, error);
  const code = formatted.extensions?.['code'];
  const status = formatted.extensions?.['reason'] === 'PAYLOAD_TOO_LARGE' ? 413 : httpStatusOf(code);
  return { status, body: { errors: [formatted] } };
}

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { demand, resolveScope } from '../../auth/policy.js';
import { authenticate } from '../../auth/authenticate.js';
import type { ApiConfig } from '../../config.js';
import { httpError, payloadTooLarge } from '../../errors.js';
import type { Services } from '../../services.js';
import type { ReceivedFile } from './model-spec.service.js';

/**
 * Reads the body whole, hashing as it arrives, and stops at `limit` bytes: a larger body is never
 * buffered past the limit (nor at all when its Content-Length says so up front).
 */
function receive(req: IncomingMessage, res: ServerResponse, limit: number): Promise<ReceivedFile> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(payloadTooLarge(limit));
  // Every check that needs no body has passed: a client waiting on `Expect: 100-continue` may send it.
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(payloadTooLarge(limit));
        return;
      }
      hash.update(chunk);
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ bytes: Buffer.concat(chunks, size), sha256: hash.digest('hex') }));
    req.once('error', reject);
  });
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const UPLOAD_PATH = '/uploads/model-specs';

/**
 * `PUT /uploads/model-specs?organizationId=…&name=…&format=onnx|yaml` with the raw file as the body:
 * large models without base64 inside a GraphQL request. Same bearer auth and permission as
 * `uploadModelSpec` (checked before the body is read), the size limit enforced while streaming
 * (413), content-hashed and stored once; `Expect: 100-continue` is answered after those checks; answers `{ id, sha256, sizeBytes, siteCount, created }`,
 * 201 when created and 200 when the same name and content were uploaded before.
 */
export function modelUploadRoute(deps: {
  readonly dataSource: DataSource;
  readonly services: Services;
  readonly config: ApiConfig;
  readonly clock: () => Date;
}): RequestHandler {
  const { dataSource, services, config, clock } = deps;
  return async (req, res) => {
    try {
      const now = clock();
      const actor = await authenticate(dataSource, req.headers.authorization, now);
      const membershipOf = (organizationId: string) => (actor.kind === 'user' ? services.memberships.ofUser(actor.userId, organizationId) : Promise.resolve(null));
      const scope = demand(await resolveScope(actor, text(req.query['organizationId']) ?? '', membershipOf), 'models:write');
      const file = await receive(req, res, config.modelMaxBytes);
      const options = { name: text(req.query['name']) ?? '', format: (text(req.query['format']) ?? 'onnx').toLowerCase() };
      const { spec, created } = await services.modelSpecs.uploadFile(scope, options, file);
      res.status(created ? 201 : 200).json({ id: spec.id, sha256: spec.blobSha256, sizeBytes: spec.sizeBytes, siteCount: spec.sites.length, created });
    } catch (error) {
      const { status, body } = httpError(error);
      const retryAfter = body.errors[0]?.extensions?.['retryAfterSeconds'];
      if (typeof retryAfter === 'number') res.setHeader('retry-after', String(retryAfter));
      // An unread body is not drained (it may be huge): answer, then close the connection.
      if (!req.complete) res.setHeader('connection', 'close');
      res.status(status).json(body);
      if (!req.complete) res.once('finish', () => req.socket.destroySoon());
    }
  };
}

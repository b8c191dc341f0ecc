import type { RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { authenticate } from '../../auth/authenticate.js';
import { resolveScope } from '../../auth/policy.js';
import { httpError } from '../../errors.js';
import type { Services } from '../../services.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The download route of an uploaded spec, relative to the API's origin (what `ModelSpec.downloadPath` answers). */
export function modelFilePath(spec: { readonly id: string; readonly organizationId: string }): string {
  return `/model-specs/${encodeURIComponent(spec.id)}/file?organizationId=${encodeURIComponent(spec.organizationId)}`;
}

/**
 * `GET /model-specs/:id/file?organizationId=…`: the uploaded ONNX / YAML file of a spec, for agents
 * that profile it. Bearer auth as the upload route; who may read it is ModelSpecService.file's rule
 * (a spec the caller may not read is 404 exactly like a missing one). Answers the bytes with their
 * length and SHA-256 (`x-content-sha256`, and as the ETag: an `If-None-Match` of it is 304).
 */
export function modelFileRoute(deps: { readonly dataSource: DataSource; readonly services: Services; readonly clock: () => Date }): RequestHandler {
  const { dataSource, services, clock } = deps;
  return async (req, res) => {
    try {
      const actor = await authenticate(dataSource, req.headers.authorization, clock());
      const membershipOf = (organizationId: string) => (actor.kind === 'user' ? services.memberships.ofUser(actor.userId, organizationId) : Promise.resolve(null));
      const scope = await resolveScope(actor, text(req.query['organizationId']) ?? '', membershipOf);
      const { spec, content } = await services.modelSpecs.file(scope, text(req.params['id']) ?? '');
      const etag = `"${spec.blobSha256}"`;
      res.setHeader('etag', etag);
      res.setHeader('x-content-sha256', spec.blobSha256 ?? '');
      res.setHeader('cache-control', 'private, no-cache');
      if (req.headers['if-none-match'] === etag) {
        res.status(304).end();
        return;
      }
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', String(content.length));
      res.setHeader('content-disposition', `attachment; filename="${spec.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.${spec.kind}"`);
      res.status(200).end(content);
    } catch (error) {
      const { status, body } = httpError(error);
      res.status(status).json(body);
    }
  };
}

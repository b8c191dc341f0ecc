import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { demand, isUuid } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { global, owned } from '../../database/tenant.js';
import { sha256Bytes } from '../../auth/crypto.js';
import { badInput, conflict, notFound, parseInput, payloadTooLarge } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { ModelBlobEntity } from './model-blob.entity.js';
import { ProfilingJobEntity } from '../profiling-jobs/profiling-job.entity.js';
import { VerificationJobEntity } from '../verification-jobs/verification-job.entity.js';
import { findUncleanText } from '../../validation/text-hygiene.js';
import { builtinSites, onnxSites, yamlSites } from './model-sites.js';
import { ModelSpecEntity } from './model-spec.entity.js';
import type { ModelSite, ModelSpec } from './model-spec.entity.js';

const name = z.string().trim().min(1, 'Required').max(200);
const builtinSchema = z.object({ organizationId: z.string(), builtinName: z.string().trim().toLowerCase(), name: name.nullish() });
const uploadSchema = z.object({ organizationId: z.string(), name, format: z.enum(['yaml', 'onnx']), content: z.string().min(1, 'Required') });
const fileSchema = z.object({ name, format: z.enum(['yaml', 'onnx']) });

/** A file received whole by the HTTP upload route, hashed while it streamed in. */
export interface ReceivedFile {
  readonly bytes: Buffer;
  readonly sha256: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class ModelSpecService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly maxBytes: number,
  ) {}

  list(scope: OrgScope, page: PageArgs): Promise<Connection<ModelSpec>> {
    demand(scope, 'read');
    const specs = owned(this.dataSource, ModelSpecEntity, scope);
    return specs.paginate(specs.select('spec'), page);
  }

  async get(scope: OrgScope, id: string, manager: EntityManager = this.dataSource.manager): Promise<ModelSpec> {
    demand(scope, 'read');
    const spec = isUuid(id) ? await owned(manager, ModelSpecEntity, scope).findOne({ id }) : null;
    if (!spec) throw notFound('Model spec');
    return spec;
  }

  /** The uploaded file of a spec the scope may read (for exports). */
  async content(scope: OrgScope, spec: ModelSpec): Promise<Buffer | null> {
    if (spec.organizationId !== scope.organizationId || !spec.blobSha256) return null;
    const blob = await global(this.dataSource, ModelBlobEntity).findOneBy({ sha256: spec.blobSha256 });
    return blob?.content ?? null;
  }

  /**
   * The uploaded file of a spec, for `GET /model-specs/:id/file`: readable by whoever may read the
   * organization's specs, and by its agents for a spec one of its profiling or verification jobs
   * targets. Any other spec, a built-in one or a missing one are all NOT_FOUND alike.
   */
  async file(scope: OrgScope, id: string): Promise<{ spec: ModelSpec; content: Buffer }> {
    if (!scope.permissions.has('agent')) demand(scope, 'read');
    const spec = isUuid(id) ? await owned(this.dataSource, ModelSpecEntity, scope).findOne({ id }) : null;
    const visible = spec !== null && (scope.permissions.has('read') || (await this.hasJobOn(scope, spec.id)));
    const content = visible ? await this.content(scope, spec) : null;
    if (!spec || !content) throw notFound('Model spec file');
    return { spec, content };
  }

  private async hasJobOn(scope: OrgScope, modelSpecId: string): Promise<boolean> {
    const profiling = await owned(this.dataSource, ProfilingJobEntity, scope).exists({ modelSpecId });
    return profiling || owned(this.dataSource, VerificationJobEntity, scope).exists({ modelSpecId });
  }

  async registerBuiltin(scope: OrgScope, rawInput: unknown): Promise<ModelSpec> {
    demand(scope, 'models:write');
    const input = parseInput(builtinSchema, rawInput);
    const sites = builtinSites(input.builtinName);
    return this.save(scope, { name: input.name ?? input.builtinName, kind: 'builtin', builtinName: input.builtinName, sites });
  }

  async upload(scope: OrgScope, rawInput: unknown): Promise<ModelSpec> {
    demand(scope, 'models:write');
    const input = parseInput(uploadSchema, rawInput);
    const bytes = input.format === 'onnx' ? this.decodeBase64(input.content) : Buffer.from(input.content, 'utf8');
    if (bytes.length > this.maxBytes) throw badInput(['input', 'content'], `Model files are limited to ${this.maxBytes} bytes`);
    const sites = input.format === 'onnx' ? onnxSites(new Uint8Array(bytes)) : yamlSites(input.content);
    return this.save(scope, { name: input.name, kind: input.format, builtinName: null, sites }, bytes);
  }

  /**
   * The HTTP upload (`PUT /uploads/model-specs`): the checks of `upload`, made idempotent — the same
   * name with the same content returns the existing spec (`created: false`), the same name with
   * other content is CONFLICT. `options` are the query parameters (`name`, `format`).
   */
  async uploadFile(scope: OrgScope, options: unknown, file: ReceivedFile): Promise<{ spec: ModelSpec; created: boolean }> {
    demand(scope, 'models:write');
    const input = parseInput(fileSchema, options, ['query']);
    const unclean = findUncleanText(input.name, ['query', 'name']);
    if (unclean) throw badInput(unclean.field, unclean.message);
    if (file.bytes.length === 0) throw badInput(['body'], 'The body is empty');
    if (file.bytes.length > this.maxBytes) throw payloadTooLarge(this.maxBytes);
    const existing = await owned(this.dataSource, ModelSpecEntity, scope).findOne({ name: input.name });
    if (existing) {
      if (existing.kind === input.format && existing.blobSha256 === file.sha256) return { spec: existing, created: false };
      throw conflict('A model spec with this name exists');
    }
    const sites = input.format === 'onnx' ? onnxSites(new Uint8Array(file.bytes), ['body']) : yamlSites(file.bytes.toString('utf8'), ['body']);
    const spec = await this.save(scope, { name: input.name, kind: input.format, builtinName: null, sites }, file.bytes, file.sha256);
    return { spec, created: true };
  }

  private decodeBase64(content: string): Buffer {
    const compact = content.replace(/\s+/g, '');
    if (!BASE64.test(compact)) throw badInput(['input', 'content'], 'ONNX content must be base64');
    return Buffer.from(compact, 'base64');
  }

  private async save(
    scope: OrgScope,
    spec: Pick<ModelSpec, 'name' | 'kind' | 'builtinName'> & { sites: ModelSite[] },
    bytes?: Buffer,
    sha256?: string,
  ): Promise<ModelSpec> {
    const hash = bytes ? (sha256 ?? sha256Bytes(bytes)) : null;
    return this.dataSource.transaction(async (manager) => {
      const specs = owned(manager, ModelSpecEntity, scope);
      if (await specs.exists({ name: spec.name })) throw conflict('A model spec with this name exists');
      if (bytes && hash) {
        await global(manager, ModelBlobEntity)
          .createQueryBuilder()
          .insert()
          .values({ sha256: hash, content: bytes, sizeBytes: bytes.length })
          .orIgnore()
          .execute();
      }
      const saved = await specs.save({
        ...spec,
        blobSha256: hash,
        sizeBytes: bytes?.length ?? null,
        createdById: scope.actor.kind === 'user' ? scope.actor.userId : null,
      });
      await this.audit.record(manager, scope, {
        action: 'model_spec.create',
        targetType: 'model_spec',
        targetId: saved.id,
        data: { name: saved.name, kind: saved.kind, sha256: hash },
      });
      return saved;
    });
  }
}

import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { demand } from '../../auth/policy.js';
import type { OrgScope } from '../../auth/policy.js';
import type { Connection, PageArgs } from '../../database/pagination.js';
import { owned } from '../../database/tenant.js';
import { newSecret, sha256 } from '../../auth/crypto.js';
import { badInput, forbidden, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { ApiTokenEntity } from './api-token.entity.js';
import type { ApiToken } from './api-token.entity.js';
import { SCOPES } from './scope.js';

const PREFIX_LENGTH = 'actnas_pat_'.length + 6;

const createSchema = z.object({
  organizationId: z.string(),
  name: z.string().trim().min(1, 'Required').max(200),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1, 'Choose at least one scope')
    .transform((scopes) => [...new Set(scopes)]),
  expiresAt: z.date().nullish(),
});
const revokeSchema = z.object({ organizationId: z.string(), id: z.guid() });

export class ApiTokenService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(scope: OrgScope, page: PageArgs): Promise<Connection<ApiToken>> {
    demand(scope, 'tokens:manage');
    const tokens = owned(this.dataSource, ApiTokenEntity, scope);
    return tokens.paginate(tokens.select('token'), page, 'DESC');
  }

  async create(scope: OrgScope, rawInput: unknown, now: Date): Promise<{ apiToken: ApiToken; secret: string }> {
    demand(scope, 'tokens:manage');
    if (scope.actor.kind !== 'user') throw forbidden('API tokens cannot create API tokens');
    const input = parseInput(createSchema, rawInput);
    if (input.expiresAt && input.expiresAt <= now) throw badInput(['input', 'expiresAt'], 'Must be in the future');
    const createdById = scope.actor.userId;
    const secret = newSecret('pat');
    return this.dataSource.transaction(async (manager) => {
      const apiToken = await owned(manager, ApiTokenEntity, scope).save({
          createdById,
          name: input.name,
          prefix: secret.slice(0, PREFIX_LENGTH),
          secretHash: sha256(secret),
          scopes: input.scopes,
          expiresAt: input.expiresAt ?? null,
          revokedAt: null,
          lastUsedAt: null,
      });
      await this.audit.record(manager, scope, {
        action: 'api_token.create',
        targetType: 'api_token',
        targetId: apiToken.id,
        data: { name: input.name, scopes: input.scopes, prefix: apiToken.prefix },
      });
      return { apiToken, secret };
    });
  }

  async revoke(scope: OrgScope, rawInput: unknown, now: Date): Promise<ApiToken> {
    demand(scope, 'tokens:manage');
    const input = parseInput(revokeSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const tokens = owned(manager, ApiTokenEntity, scope);
      const token = await tokens.findOne({ id: input.id });
      if (!token) throw notFound('API token');
      const revoked = { ...token, revokedAt: token.revokedAt ?? now };
      await tokens.update({ id: token.id }, { revokedAt: revoked.revokedAt });
      await this.audit.record(manager, scope, { action: 'api_token.revoke', targetType: 'api_token', targetId: token.id });
      return revoked;
    });
  }
}

import type { DataSource } from 'typeorm';
import { leanQuery } from '../database/lean.js';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity.js';
import type { Actor } from './actor.js';
import { sha256 } from './crypto.js';

// last_used_at is a hint for humans; writing it on every request would serialize hot tokens.
const LAST_USED_RESOLUTION_MS = 60_000;

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Turns the Authorization header into an Actor; never throws for a bad token (resolvers do). */
export async function authenticate(dataSource: DataSource, authorization: string | undefined, now: Date): Promise<Actor> {
  const secret = bearer(authorization);
  if (secret === undefined) return authorization ? { kind: 'invalid' } : { kind: 'anonymous' };
  const hash = sha256(secret);
  if (secret.startsWith('actnas_ses_')) {
    // Lean SQL on the hottest path: it runs on every request, and the query builder costs more than the query.
    const [session] = await leanQuery<{ id: string; user_id: string }>(
      dataSource,
      `SELECT id, user_id FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [hash, now],
    );
    if (!session) return { kind: 'invalid' };
    return { kind: 'user', userId: session.user_id, sessionId: session.id };
  }
  if (secret.startsWith('actnas_pat_')) {
    const tokens = dataSource.getRepository(ApiTokenEntity);
    const token = await tokens.findOneBy({ secretHash: hash });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return { kind: 'invalid' };
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await tokens.update({ id: token.id, organizationId: token.organizationId }, { lastUsedAt: now });
    }
    return {
      kind: 'token',
      tokenId: token.id,
      organizationId: token.organizationId,
      createdById: token.createdById,
      scopes: token.scopes,
    };
  }
  return { kind: 'invalid' };
}

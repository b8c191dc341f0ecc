import type { DataSource } from 'typeorm';
import { crossTenant, crossTenantSql, owned } from '../database/tenant.js';
import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity.js';
import { MembershipEntity } from '../modules/memberships/membership.entity.js';
import type { Role } from '../modules/memberships/role.js';
import type { Actor } from './actor.js';
import { sha256 } from './crypto.js';

// last_used_at is a hint for humans; writing it on every request would serialize hot tokens.
const LAST_USED_RESOLUTION_MS = 60_000;

/** Roles that may hold API tokens (those that create them). */
const TOKEN_MANAGERS: ReadonlySet<Role> = new Set(['admin', 'owner']);

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** An actor and how long that answer holds without asking the database again. */
export interface Authentication {
  readonly actor: Actor;
  /** The secret's hash, when a bearer of a known kind was sent (the key of a cached answer). */
  readonly secretHash?: string;
  /** The credential's own expiry: after it the answer is `invalid`, whatever a cache holds. */
  readonly expiresAt?: Date;
  /** When the token's last-used time is due again: a cache must ask the database from then on. */
  readonly revalidateAt?: Date;
}

/** Turns the Authorization header into an Actor; never throws for a bad token (resolvers do). */
export async function authenticate(dataSource: DataSource, authorization: string | undefined, now: Date): Promise<Actor> {
  return (await authenticateWithValidity(dataSource, authorization, now)).actor;
}

export function bearerHash(authorization: string | undefined): string | undefined {
  const secret = bearer(authorization);
  return secret === undefined ? undefined : sha256(secret);
}

export async function authenticateWithValidity(dataSource: DataSource, authorization: string | undefined, now: Date): Promise<Authentication> {
  const secret = bearer(authorization);
  if (secret === undefined) return { actor: authorization ? { kind: 'invalid' } : { kind: 'anonymous' } };
  const hash = sha256(secret);
  if (secret.startsWith('actnas_ses_')) {
    // Lean SQL on the hottest path: it runs on every request, and the query builder costs more than the query.
    const [session] = await crossTenantSql<{ id: string; user_id: string; expires_at: Date }>(
      dataSource,
      'authentication',
      `SELECT id, user_id, expires_at FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [hash, now],
    );
    if (!session) return { actor: { kind: 'invalid' }, secretHash: hash };
    return { actor: { kind: 'user', userId: session.user_id, sessionId: session.id }, secretHash: hash, expiresAt: new Date(session.expires_at) };
  }
  if (secret.startsWith('actnas_pat_')) {
    const token = await crossTenant(dataSource, ApiTokenEntity, 'authentication').findOneBy({ secretHash: hash });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return { actor: { kind: 'invalid' }, secretHash: hash };
    // A token never stands for more than its creator does now: it works only while they are still
    // an admin or owner of its organization (leaving or demotion also revokes it; this holds even
    // when a membership row is changed behind the API's back).
    const creator = await owned(dataSource, MembershipEntity, token).findOne({ userId: token.createdById });
    if (!creator || !TOKEN_MANAGERS.has(creator.role)) return { actor: { kind: 'invalid' }, secretHash: hash };
    let lastUsedAt = token.lastUsedAt;
    if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await owned(dataSource, ApiTokenEntity, token).update({ id: token.id }, { lastUsedAt: now });
      lastUsedAt = now;
    }
    return {
      actor: { kind: 'token', tokenId: token.id, organizationId: token.organizationId, createdById: token.createdById, scopes: token.scopes },
      secretHash: hash,
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
      revalidateAt: new Date(lastUsedAt.getTime() + LAST_USED_RESOLUTION_MS),
    };
  }
  return { actor: { kind: 'invalid' } };
}

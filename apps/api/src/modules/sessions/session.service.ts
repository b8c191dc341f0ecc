import { IsNull, Not } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { UserActor } from '../../auth/actor.js';
import { newSecret, sha256 } from '../../auth/crypto.js';
import type { PasswordHasher } from '../../auth/passwords.js';
import type { SignInThrottle } from '../../auth/sign-in-throttle.js';
import { global } from '../../database/tenant.js';
import { parseInput, unauthenticated } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { UserEntity } from '../users/user.entity.js';
import type { User } from '../users/user.entity.js';
import { SessionEntity } from './session.entity.js';

export interface IssuedSession {
  readonly token: string;
  readonly expiresAt: Date;
}

const signInSchema = z.object({
  email: z.string().trim().toLowerCase().max(320),
  password: z.string().max(200),
});

export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ttlHours: number,
    private readonly passwords: PasswordHasher,
    private readonly throttle: SignInThrottle,
  ) {}

  async issue(manager: EntityManager, userId: string, now: Date): Promise<IssuedSession> {
    const token = newSecret('ses');
    const expiresAt = new Date(now.getTime() + this.ttlHours * 3_600_000);
    await global(manager, SessionEntity).insert({ userId, tokenHash: sha256(token), expiresAt, revokedAt: null });
    return { token, expiresAt };
  }

  /**
   * Checks the password (throttled per account and per address: TOO_MANY_REQUESTS while locked),
   * audits a wrong one, and re-hashes a right one stored at an older cost.
   */
  async signIn(rawInput: unknown, now: Date, address = 'unknown'): Promise<IssuedSession & { user: User }> {
    const input = parseInput(signInSchema, rawInput);
    await this.throttle.check(input.email, address);
    const user = await global(this.dataSource, UserEntity).findOneBy({ email: input.email });
    // Unknown emails cost one scrypt too, so timing does not tell which emails have accounts.
    const verification = user ? await this.passwords.verify(input.password, user.passwordHash) : (await this.passwords.burn(input.password), { ok: false });
    if (!user || !verification.ok) {
      const lockedForSeconds = await this.throttle.failed(input.email, address);
      await this.audit.record(this.dataSource, { organizationId: null, userId: user?.id ?? null }, {
        action: 'session.sign_in_failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        data: { email: input.email, address, ...(lockedForSeconds > 0 ? { lockedForSeconds } : {}) },
      });
      throw unauthenticated('Wrong email or password');
    }
    await this.throttle.succeeded(input.email);
    return this.dataSource.transaction(async (manager) => {
      if (verification.rehash) await global(manager, UserEntity).update({ id: user.id }, { passwordHash: verification.rehash });
      const session = await this.issue(manager, user.id, now);
      await this.audit.record(manager, { organizationId: null, userId: user.id }, {
        action: 'session.sign_in',
        targetType: 'user',
        targetId: user.id,
        data: { address, ...(verification.rehash ? { rehashed: true } : {}) },
      });
      return { ...session, user };
    });
  }

  /** Revokes every live session of the user but the caller's; answers how many. */
  async revokeOthers(manager: EntityManager, actor: UserActor, now: Date): Promise<number> {
    const result = await global(manager, SessionEntity).update({ userId: actor.userId, id: Not(actor.sessionId), revokedAt: IsNull() }, { revokedAt: now });
    return result.affected ?? 0;
  }

  async signOut(actor: UserActor, now: Date): Promise<boolean> {
    await this.dataSource.transaction(async (manager) => {
      await global(manager, SessionEntity).update({ id: actor.sessionId, userId: actor.userId }, { revokedAt: now });
      await this.audit.record(manager, { organizationId: null, userId: actor.userId }, {
        action: 'session.sign_out',
        targetType: 'user',
        targetId: actor.userId,
      });
    });
    return true;
  }
}

import { IsNull, Not } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { UserActor } from '../../auth/actor.js';
import { dummyPasswordHash, newSecret, sha256, verifyPassword } from '../../auth/crypto.js';
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
  ) {}

  async issue(manager: EntityManager, userId: string, now: Date): Promise<IssuedSession> {
    const token = newSecret('ses');
    const expiresAt = new Date(now.getTime() + this.ttlHours * 3_600_000);
    await manager.getRepository(SessionEntity).insert({ userId, tokenHash: sha256(token), expiresAt, revokedAt: null });
    return { token, expiresAt };
  }

  async signIn(rawInput: unknown, now: Date): Promise<IssuedSession & { user: User }> {
    const input = parseInput(signInSchema, rawInput);
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ email: input.email });
    // Unknown emails cost one scrypt too, so timing does not tell which emails have accounts.
    const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) throw unauthenticated('Wrong email or password');
    return this.dataSource.transaction(async (manager) => {
      const session = await this.issue(manager, user.id, now);
      await this.audit.record(manager, { organizationId: null, userId: user.id }, {
        action: 'session.sign_in',
        targetType: 'user',
        targetId: user.id,
      });
      return { ...session, user };
    });
  }

  /** Revokes every live session of the user but the caller's; answers how many. */
  async revokeOthers(manager: EntityManager, actor: UserActor, now: Date): Promise<number> {
    const result = await manager.getRepository(SessionEntity).update({ userId: actor.userId, id: Not(actor.sessionId), revokedAt: IsNull() }, { revokedAt: now });
    return result.affected ?? 0;
  }

  async signOut(actor: UserActor, now: Date): Promise<boolean> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(SessionEntity).update({ id: actor.sessionId, userId: actor.userId }, { revokedAt: now });
      await this.audit.record(manager, { organizationId: null, userId: actor.userId }, {
        action: 'session.sign_out',
        targetType: 'user',
        targetId: actor.userId,
      });
    });
    return true;
  }
}

import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { UserActor } from '../../auth/actor.js';
import { assertStrongPassword } from '../../auth/passwords.js';
import type { PasswordHasher } from '../../auth/passwords.js';
import { global } from '../../database/tenant.js';
import { badInput, conflict, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionService, IssuedSession } from '../sessions/session.service.js';
import { UserEntity } from './user.entity.js';
import type { User } from './user.entity.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Not a valid email address' }).max(320));

const nameSchema = z.string().trim().min(1, 'Required').max(200);
// Strength (length, breach and common-password lists, the user's own details) is checked by assertStrongPassword.
const passwordSchema = z.string().max(200);
const signUpSchema = z.object({ email: emailSchema, password: passwordSchema, name: nameSchema });
const accountSchema = z.object({ name: nameSchema });
const changePasswordSchema = z.object({ currentPassword: z.string().max(200), newPassword: passwordSchema });

export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly passwords: PasswordHasher,
  ) {}

  async signUp(rawInput: unknown, now: Date): Promise<IssuedSession & { user: User }> {
    const input = parseInput(signUpSchema, rawInput);
    assertStrongPassword(input.password, [input.email, input.name]);
    const passwordHash = await this.passwords.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      const users = global(manager, UserEntity);
      if (await users.existsBy({ email: input.email })) throw conflict('An account with this email already exists');
      const user = await users.save(users.create({ email: input.email, name: input.name, passwordHash }));
      const session = await this.sessions.issue(manager, user.id, now);
      await this.audit.record(manager, { organizationId: null, userId: user.id }, {
        action: 'user.sign_up',
        targetType: 'user',
        targetId: user.id,
      });
      return { ...session, user };
    });
  }

  /** Renames the signed-in user. */
  async updateAccount(actor: UserActor, rawInput: unknown): Promise<User> {
    const input = parseInput(accountSchema, rawInput);
    return this.dataSource.transaction(async (manager) => {
      const users = global(manager, UserEntity);
      await users.update({ id: actor.userId }, { name: input.name });
      await this.audit.record(manager, { organizationId: null, userId: actor.userId }, { action: 'user.update', targetType: 'user', targetId: actor.userId, data: { name: input.name } });
      const user = await users.findOneBy({ id: actor.userId });
      if (!user) throw notFound('User');
      return user;
    });
  }

  /**
   * Changes the signed-in user's password once the current one checks out, and signs out every
   * other session of theirs (someone who knew the old password is out).
   */
  async changePassword(actor: UserActor, rawInput: unknown, now: Date): Promise<boolean> {
    const input = parseInput(changePasswordSchema, rawInput);
    const user = await this.get(actor.userId);
    if (!(await this.passwords.verify(input.currentPassword, user.passwordHash)).ok) throw badInput(['input', 'currentPassword'], 'The current password is wrong');
    if (input.newPassword.normalize('NFC') === input.currentPassword.normalize('NFC')) throw badInput(['input', 'newPassword'], 'Choose a password other than the current one');
    assertStrongPassword(input.newPassword, [user.email, user.name], ['input', 'newPassword']);
    const passwordHash = await this.passwords.hash(input.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await global(manager, UserEntity).update({ id: actor.userId }, { passwordHash });
      const signedOut = await this.sessions.revokeOthers(manager, actor, now);
      await this.audit.record(manager, { organizationId: null, userId: actor.userId }, { action: 'user.change_password', targetType: 'user', targetId: actor.userId, data: { otherSessionsSignedOut: signedOut } });
    });
    return true;
  }

  async get(userId: string): Promise<User> {
    const user = await global(this.dataSource, UserEntity).findOneBy({ id: userId });
    if (!user) throw notFound('User');
    return user;
  }
}

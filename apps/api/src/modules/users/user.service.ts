import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { assertStrongPassword } from '../../auth/passwords.js';
import type { PasswordHasher } from '../../auth/passwords.js';
import { global } from '../../database/tenant.js';
import { conflict, notFound, parseInput } from '../../errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionService, IssuedSession } from '../sessions/session.service.js';
import { UserEntity } from './user.entity.js';
import type { User } from './user.entity.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Not a valid email address' }).max(320));

const signUpSchema = z.object({
  email: emailSchema,
  // Strength (length, breach and common-password lists, the user's own details) is checked below.
  password: z.string().max(200),
  name: z.string().trim().min(1, 'Required').max(200),
});

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

  async get(userId: string): Promise<User> {
    const user = await global(this.dataSource, UserEntity).findOneBy({ id: userId });
    if (!user) throw notFound('User');
    return user;
  }
}

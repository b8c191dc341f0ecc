import type { Scope } from '../modules/api-tokens/scope.js';

/** Who is calling. Resolved once per request from the `Authorization: Bearer …` header. */
export type Actor =
  | { readonly kind: 'anonymous' }
  /** A bearer was sent but is unknown, revoked or expired. */
  | { readonly kind: 'invalid' }
  | { readonly kind: 'user'; readonly userId: string; readonly sessionId: string }
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly organizationId: string;
      readonly createdById: string;
      readonly scopes: readonly Scope[];
    };

export type UserActor = Extract<Actor, { kind: 'user' }>;
export type TokenActor = Extract<Actor, { kind: 'token' }>;

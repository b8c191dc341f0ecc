import type { Scope } from '../modules/api-tokens/scope.js';
import type { Role } from '../modules/memberships/role.js';

/** What an operation needs; roles (users) and scopes (API tokens) both map onto these. */
export type Permission =
  | 'read'
  | 'projects:write'
  | 'devices:write'
  /** Deleting a device profile: an organization-level decision, not a member's. */
  | 'devices:delete'
  | 'search:write'
  | 'models:write'
  | 'members:manage'
  | 'tokens:manage'
  | 'organization:manage'
  | 'audit:read'
  | 'agent';

const VIEWER: readonly Permission[] = ['read'];
const MEMBER: readonly Permission[] = [...VIEWER, 'projects:write', 'devices:write', 'search:write', 'models:write'];
const ADMIN: readonly Permission[] = [...MEMBER, 'devices:delete', 'members:manage', 'tokens:manage', 'organization:manage', 'audit:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: VIEWER,
  member: MEMBER,
  admin: ADMIN,
  owner: [...ADMIN, 'agent'],
};

// Scopes do not imply each other: a CI token that submits searches and reads results has both.
export const SCOPE_PERMISSIONS: Readonly<Record<Scope, readonly Permission[]>> = {
  read: ['read'],
  'search:write': ['search:write', 'models:write'],
  'devices:write': ['devices:write'],
  agent: ['agent'],
};

/** Roles inside one organization, weakest first. */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const roleRank = (role: Role): number => ROLES.indexOf(role);
export const atLeast = (role: Role, needed: Role): boolean => roleRank(role) >= roleRank(needed);

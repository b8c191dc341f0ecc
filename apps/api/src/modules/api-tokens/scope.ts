/** What an API token may do; a session (a signed-in user) is limited by its role only. */
export const SCOPES = ['read', 'search:write', 'devices:write', 'agent'] as const;
export type Scope = (typeof SCOPES)[number];

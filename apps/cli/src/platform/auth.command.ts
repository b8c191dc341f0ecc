import type { PlatformOrganizationsQuery } from '../graphql/generated.js';
import { PlatformMeDocument, PlatformOrganizationsDocument, PlatformSignOutDocument } from '../graphql/generated.js';
import { GraphQLClient } from '../graphql/graphql.client.js';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CommandModule } from '../shared/command-module.js';
import { configPath, readConfig, removeConfig, writeConfig } from './platform-config.js';
import { API_ENV, ORG_ENV, TOKEN_ENV, apiUrl, chooseOrganization, explainApiError } from './platform-session.js';
import { readSecret } from './read-secret.js';

type TokenKind = 'api-token' | 'session';

interface Identity {
  readonly api: string;
  readonly kind: TokenKind;
  /** The first characters of the secret, as the dashboard lists API tokens. */
  readonly tokenPrefix: string;
  readonly user?: { readonly email: string; readonly name: string };
  readonly organizations: readonly { readonly slug: string; readonly name: string; readonly role: string | null }[];
}

/** API tokens start `actnas_pat_`, sessions `actnas_ses_`; the API shows the first 6 characters after that. */
function kindOf(token: string): TokenKind {
  return token.startsWith('actnas_ses_') ? 'session' : 'api-token';
}

async function identify(api: string, token: string): Promise<Identity> {
  const client = new GraphQLClient({ url: api, token });
  const kind = kindOf(token);
  try {
    const orgs: PlatformOrganizationsQuery = await client.request(PlatformOrganizationsDocument, {});
    const me = kind === 'session' ? (await client.request(PlatformMeDocument, {})).me : undefined;
    return {
      api,
      kind,
      tokenPrefix: token.slice(0, 'actnas_pat_'.length + 6),
      ...(me ? { user: { email: me.email, name: me.name } } : {}),
      organizations: orgs.organizations.nodes.map((o) => ({ slug: o.slug, name: o.name, role: o.viewerRole ?? null })),
    };
  } catch (err) {
    throw explainApiError(err, api);
  }
}

function describe(who: Identity): string {
  const as = who.user ? `${who.user.email} (session)` : `API token ${who.tokenPrefix}…`;
  const orgs = who.organizations.map((o) => (o.role ? `${o.slug} (${o.role.toLowerCase()})` : o.slug)).join(', ') || 'none';
  return `${as} at ${who.api}; organizations: ${orgs}`;
}

interface LoginFlags {
  readonly api: string;
  readonly org?: string;
  readonly json?: boolean;
}

/** `actnas login --api URL`: checks the token (ACTNAS_TOKEN or stdin) against the API, then stores it (0600). */
export const loginCommand: CommandModule = (program, io, setExitCode) => {
  program
    .command('login')
    .description(`check an API token (from $${TOKEN_ENV}, else stdin) against the API and store it in your config folder, readable by you only`)
    .requiredOption('--api <url>', "the API's GraphQL URL, e.g. https://actnas.example.com/graphql")
    .option('--org <slug>', 'organization used by later commands, when the token sees several')
    .option('--json', 'print the result as JSON')
    .action(async (flags: LoginFlags) => {
      const env = io.env ?? process.env;
      const api = apiUrl(flags.api);
      const token = env[TOKEN_ENV]?.trim() || (await readSecret(io, 'API token: '));
      if (!token) throw new CliUsageError(`no token: set ${TOKEN_ENV} or pipe the token into actnas login`, 'UNAUTHENTICATED');
      const who = await identify(api, token);
      if (flags.org !== undefined) chooseOrganization({ organizations: { nodes: who.organizations.map((o) => ({ ...o, id: o.slug })) } }, flags.org);
      const path = await writeConfig({ api, token, ...(flags.org === undefined ? {} : { organization: flags.org }) }, env);
      io.stdout.write(flags.json ? `${JSON.stringify({ ...who, organization: flags.org ?? null, config: path })}\n` : `logged in as ${describe(who)}\nstored in ${path}\n`);
      setExitCode(EXIT_OK);
    });
};

/** `actnas logout`: forgets the stored login (and signs a session out on the API). */
export const logoutCommand: CommandModule = (program, io, setExitCode) => {
  program
    .command('logout')
    .description('forget the stored login; a session token is also signed out on the API')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }) => {
      const env = io.env ?? process.env;
      const stored = await readConfig(env).catch(() => undefined);
      let signedOut = false;
      if (stored && kindOf(stored.token) === 'session') {
        // Best effort: the session may have expired already; the file goes either way.
        signedOut = await new GraphQLClient({ url: stored.api, token: stored.token }).request(PlatformSignOutDocument, {}).then(
          () => true,
          () => false,
        );
      }
      const removed = await removeConfig(env);
      const stillSet = env[TOKEN_ENV] ? `; ${TOKEN_ENV} is still set in this environment` : '';
      io.stdout.write(
        flags.json ? `${JSON.stringify({ removed, signedOut, config: configPath(env) })}\n` : `${removed ? `logged out (removed ${configPath(env)})` : 'not logged in'}${stillSet}\n`,
      );
      setExitCode(EXIT_OK);
    });
};

/** `actnas whoami`: who the token is, on which API, in which organizations. */
export const whoamiCommand: CommandModule = (program, io, setExitCode) => {
  program
    .command('whoami')
    .description('show the API, the identity behind the token and its organizations')
    .option('--api <url>', `the API's GraphQL URL (default: $${API_ENV}, else the stored login)`)
    .option('--json', 'print the result as JSON')
    .action(async (flags: { api?: string; json?: boolean }) => {
      const env = io.env ?? process.env;
      const fromEnv = env[TOKEN_ENV]?.trim() && (flags.api ?? env[API_ENV]?.trim());
      const stored = fromEnv ? undefined : await readConfig(env);
      const token = env[TOKEN_ENV]?.trim() || stored?.token;
      const apiText = flags.api ?? (env[API_ENV]?.trim() || stored?.api);
      if (!token || !apiText) throw new CliUsageError(`not logged in: run actnas login --api <url>, or set ${API_ENV} and ${TOKEN_ENV}`, 'UNAUTHENTICATED');
      const who = await identify(apiUrl(apiText, flags.api === undefined ? API_ENV : '--api'), token);
      const organization = env[ORG_ENV]?.trim() || stored?.organization || null;
      const source = env[TOKEN_ENV]?.trim() ? TOKEN_ENV : configPath(env);
      io.stdout.write(flags.json ? `${JSON.stringify({ ...who, organization, tokenFrom: source })}\n` : `${describe(who)}${organization ? `; using ${organization}` : ''}\ntoken from ${source}\n`);
      setExitCode(EXIT_OK);
    });
};

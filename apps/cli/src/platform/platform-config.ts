import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { CliUsageError } from '../shared/cli-error.js';

/** What `actnas login` stores: the API, the secret, and the organization chosen at login (if any). */
export interface PlatformConfig {
  readonly api: string;
  readonly token: string;
  readonly organization?: string;
}

/** The user's config folder for actnas (XDG_CONFIG_HOME on Linux); ACTNAS_CONFIG_DIR overrides it. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['ACTNAS_CONFIG_DIR'] || envPaths('actnas', { suffix: '' }).config;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'config.json');
}

/** The stored login, or undefined when there is none. Refuses a file others can read, as ssh does. */
export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<PlatformConfig | undefined> {
  const path = configPath(env);
  let text: string;
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new CliUsageError(`${path} holds a token but others may read it (mode ${mode.toString(8)}); run chmod 600 ${path} or actnas login again`);
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<PlatformConfig>;
    if (typeof parsed.api !== 'string' || typeof parsed.token !== 'string') throw new Error('api or token missing');
    return { api: parsed.api, token: parsed.token, ...(typeof parsed.organization === 'string' ? { organization: parsed.organization } : {}) };
  } catch {
    throw new CliUsageError(`${path} is not a login actnas wrote; run actnas login again`);
  }
}

/** Writes the login with mode 0600 in a 0700 folder, replacing the old file in one rename. */
export async function writeConfig(config: PlatformConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // in case the umask or an old file widened it
  await rename(temporary, path);
  return path;
}

/** Deletes the stored login; true when there was one. */
export async function removeConfig(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const path = configPath(env);
  try {
    await stat(path);
  } catch {
    return false;
  }
  await rm(path, { force: true });
  return true;
}

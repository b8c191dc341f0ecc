import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { print } from 'graphql/index.js';
import { OrganizationDocument, UpdateOrganizationDocument } from '../client/generated.js';
import { Client } from './support/client.js';
import { createTestDatabase } from './support/database.js';
import type { TestDatabase } from './support/database.js';
import { createOrganization } from './support/fixtures.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A POST on a connection of its own: the cluster primary deals connections out round-robin, so reads alternate between processes. */
function postOnNewConnection(url: string, token: string, body: string): Promise<{ cache: string | undefined; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ cache: res.headers['x-actnas-cache'] as string | undefined, json: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

let database: TestDatabase;
let api: ChildProcess;
let url: string;
beforeAll(async () => {
  database = await createTestDatabase('cluster');
  const port = await freePort();
  api = spawn(process.execPath, ['--conditions=@actnas/source', '--import', 'tsx', MAIN], {
    env: { ...process.env, DATABASE_URL: database.url, API_PROCESSES: '2', PORT: String(port), HOST: '127.0.0.1', SEARCH_WORKERS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    api.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+) \(2 processes\)/.exec(out);
      if (match) resolve(match[1]!);
    });
    api.once('exit', (code) => reject(new Error(`the API exited with ${code}: ${out}`)));
  });
}, 60_000);
afterAll(async () => {
  if (api && api.exitCode === null) {
    const exited = new Promise((resolve) => api.once('exit', resolve));
    api.kill('SIGTERM');
    await exited;
  }
  await database?.drop();
});

describe('API_PROCESSES=2 on one port', () => {
  it('a write through one process is read from the other, whose cache NOTIFY emptied', async () => {
    const org = await createOrganization(new Client(url), 'clustered');
    const read = async () => {
      const answer = await postOnNewConnection(url, org.owner.token, JSON.stringify({ query: print(OrganizationDocument), variables: { slug: org.slug } }));
      return { cache: answer.cache, name: (answer.json as { data: { organization: { name: string } } }).data.organization.name };
    };
    // Warm both processes' caches.
    const warm = [];
    for (let i = 0; i < 8; i++) warm.push(await read());
    expect(warm.every((r) => r.name === 'clustered')).toBe(true);
    expect(warm.filter((r) => r.cache === 'hit').length).toBeGreaterThanOrEqual(4);

    await org.owner.client.data(UpdateOrganizationDocument, { input: { organizationId: org.id, name: 'renamed across processes' } });
    // The other process learns of the write through NOTIFY, milliseconds after the commit.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const after = [];
    for (let i = 0; i < 8; i++) after.push(await read());
    expect(after.map((r) => r.name)).toEqual(Array(8).fill('renamed across processes'));
  });
});

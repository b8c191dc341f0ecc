import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentJobError } from '../src/agent/agent.job-error.js';
import { uploadedModelFile } from '../src/agent/agent.model-file.js';
import type { ModelFileSource } from '../src/agent/agent.model-file.js';

const FILE = new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 31) % 251));
const SHA = createHash('sha256').update(FILE).digest('hex');
const SPEC = { name: 'mine', sha256: SHA, sizeBytes: FILE.length, downloadPath: '/model-specs/s1/file?organizationId=o1' };

/** A download route serving `body` in 1 KiB chunks, with the given Content-Length (none when null); counts requests. */
function server(body: Uint8Array, contentLength: number | null = body.length, status = 200) {
  const requests: { url: string; authorization: string | null }[] = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 1024) controller.enqueue(body.slice(i, i + 1024));
        controller.close();
      },
    });
    const headers = contentLength === null ? undefined : { 'content-length': String(contentLength) };
    return new Response(status === 200 ? stream : 'nope', { status, ...(headers ? { headers } : {}) });
  }) as typeof fetch;
  return { fetcher, requests };
}

const source = (fetcher: typeof fetch, maxBytes = 1_000_000): ModelFileSource => ({ apiUrl: 'http://api.test:4000/graphql', token: 'actnas_t', maxBytes, fetch: fetcher });
const dirs: string[] = [];
const workDir = (): string => {
  dirs.push(mkdtempSync(join(tmpdir(), 'actnas-model-file-')));
  return dirs.at(-1)!;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AgentJobError);
  return (err as Error).message;
}

describe('the agent downloads uploaded model files', () => {
  it('downloads with the token from the API origin, keeps the file by hash, and a later job (or a restarted agent) reads it from there', async () => {
    const api = server(FILE);
    const dir = workDir();
    expect(new Uint8Array(await uploadedModelFile(source(api.fetcher), dir, SPEC))).toEqual(FILE);
    expect(api.requests).toEqual([{ url: 'http://api.test:4000/model-specs/s1/file?organizationId=o1', authorization: 'Bearer actnas_t' }]);
    expect(readdirSync(join(dir, 'models'))).toEqual([SHA]);
    expect(new Uint8Array(await uploadedModelFile(source(api.fetcher), dir, SPEC))).toEqual(FILE);
    expect(api.requests).toHaveLength(1);
  });

  it('a damaged cached file is downloaded again', async () => {
    const api = server(FILE);
    const dir = workDir();
    await uploadedModelFile(source(api.fetcher), dir, SPEC);
    writeFileSync(join(dir, 'models', SHA), 'truncated');
    expect(new Uint8Array(await uploadedModelFile(source(api.fetcher), dir, SPEC))).toEqual(FILE);
    expect(api.requests).toHaveLength(2);
  });

  it('refuses a file over the limit by the spec\'s size, by the Content-Length, and while streaming when the length is absent or lies', async () => {
    const limit = FILE.length - 1;
    const untouched = server(FILE);
    expect(await refusal(uploadedModelFile(source(untouched.fetcher, limit), workDir(), SPEC))).toBe(`model spec "mine": the file is ${FILE.length} bytes, over this agent's limit of ${limit} bytes (--max-model-mb)`);
    expect(untouched.requests).toHaveLength(0);
    const unsized = { ...SPEC, sizeBytes: null };
    const declared = server(FILE);
    expect(await refusal(uploadedModelFile(source(declared.fetcher, limit), workDir(), unsized))).toMatch(/the file is 4096 bytes, over this agent's limit of 4095 bytes/);
    for (const contentLength of [null, 10]) {
      const dir = workDir();
      const streamed = server(FILE, contentLength);
      expect(await refusal(uploadedModelFile(source(streamed.fetcher, limit), dir, unsized))).toBe(`model spec "mine": the file is larger than this agent's limit of ${limit} bytes (--max-model-mb)`);
      expect(existsSync(join(dir, 'models'))).toBe(false);
    }
  });

  it('refuses bytes whose sha256 is not the spec\'s, and keeps nothing', async () => {
    const tampered = FILE.slice();
    tampered[7] = tampered[7]! ^ 1;
    const dir = workDir();
    const message = await refusal(uploadedModelFile(source(server(tampered).fetcher), dir, SPEC));
    expect(message).toBe(`model spec "mine": the downloaded file's sha256 ${createHash('sha256').update(tampered).digest('hex')} does not match the spec's ${SHA}`);
    expect(existsSync(join(dir, 'models'))).toBe(false);
  });

  it('a refusal by the API fails the job; a server error is transient (not an AgentJobError)', async () => {
    expect(await refusal(uploadedModelFile(source(server(FILE, null, 404).fetcher), workDir(), SPEC))).toMatch(/^downloading model spec "mine" from http:\/\/api\.test:4000\/model-specs\/s1\/file: HTTP 404 nope$/);
    const err = await uploadedModelFile(source(server(FILE, null, 503).fetcher), workDir(), SPEC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(AgentJobError);
    expect(await refusal(uploadedModelFile(source(server(FILE).fetcher), workDir(), { ...SPEC, downloadPath: null }))).toBe('model spec "mine" has no uploaded file to download');
  });

  it('gives up on a download that stalls (headers sent, then nothing) instead of holding the job forever, as a transient failure', async () => {
    const sockets = new Set<Socket>();
    const stalled = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(FILE.length) });
      res.write(FILE.slice(0, 1024));
    });
    stalled.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalled.address() as AddressInfo;
      const started = performance.now();
      const err = await uploadedModelFile({ apiUrl: `http://127.0.0.1:${port}/graphql`, token: 't', maxBytes: 1_000_000, idleTimeoutMs: 300 }, workDir(), SPEC).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(AgentJobError);
      expect((err as Error).message).toBe(`downloading model spec "mine" from http://127.0.0.1:${port}/model-specs/s1/file: nothing received for 0.3 s`);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });
});

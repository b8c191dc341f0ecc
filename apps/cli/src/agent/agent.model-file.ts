import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentJobError } from './agent.job-error.js';

/** `actnas agent --max-model-mb`'s default: the ONNX importer's own limit. */
export const DEFAULT_MAX_MODEL_MB = 512;

/** Where and how the agent downloads uploaded model files (`GET /model-specs/:id/file`). */
export interface ModelFileSource {
  /** The API's GraphQL URL; the download path is resolved against its origin. */
  readonly apiUrl: string;
  readonly token: string;
  /** Files over this many bytes are refused, by the spec's size, the Content-Length and while streaming. */
  readonly maxBytes: number;
  /** A download that receives nothing for this long is abandoned (the job goes back to the queue); default 60 s. */
  readonly idleTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** What the job tells the agent about the uploaded file. */
export interface UploadedFileSpec {
  readonly name: string;
  readonly sha256?: string | null;
  readonly sizeBytes?: number | null;
  readonly downloadPath?: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The uploaded file of `spec`, from `<workDir>/models/<sha256>` when an earlier job (or an earlier
 * run of this agent) downloaded it, else downloaded, size-limited and hash-checked, then kept
 * there. A file the agent cannot use is an AgentJobError naming why, in one line.
 */
export async function uploadedModelFile(source: ModelFileSource, workDir: string, spec: UploadedFileSpec): Promise<Uint8Array> {
  const { sha256, downloadPath } = spec;
  if (!sha256 || !SHA256.test(sha256) || !downloadPath) throw new AgentJobError(`model spec "${spec.name}" has no uploaded file to download`);
  if (spec.sizeBytes && spec.sizeBytes > source.maxBytes) throw tooLarge(spec, spec.sizeBytes, source.maxBytes);
  const dir = join(workDir, 'models');
  const cached = join(dir, sha256);
  const kept = await readFile(cached).catch(() => null);
  if (kept && sha256Of(kept) === sha256) return kept;
  const bytes = await download(source, spec, downloadPath);
  const actual = sha256Of(bytes);
  if (actual !== sha256) throw new AgentJobError(`model spec "${spec.name}": the downloaded file's sha256 ${actual} does not match the spec's ${sha256}`);
  await mkdir(dir, { recursive: true });
  // Written aside and renamed, so a killed agent never leaves a partial file under the hash.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, cached).catch(async (err: unknown) => {
    await rm(partial, { force: true });
    throw err;
  });
  return bytes;
}

/** `size` is what is known: the spec's or the Content-Length's byte count, or none when the stream overran. */
function tooLarge(spec: UploadedFileSpec, size: number | undefined, limit: number): AgentJobError {
  const what = size === undefined ? 'the file is larger than' : `the file is ${size} bytes, over`;
  return new AgentJobError(`model spec "${spec.name}": ${what} this agent's limit of ${limit} bytes (--max-model-mb)`);
}

async function download(source: ModelFileSource, spec: UploadedFileSpec, path: string): Promise<Uint8Array> {
  const url = new URL(path, source.apiUrl);
  const idleMs = source.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // A stalled connection must not hold the job forever while the heartbeat keeps its lease: abort
  // when nothing arrives for idleMs (headers or body), however long the whole download takes.
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idleMs);
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idleMs);
  };
  try {
    return await receive(source, spec, url, controller.signal, touch);
  } catch (err) {
    if (controller.signal.aborted) throw new Error(`downloading model spec "${spec.name}" from ${url.origin}${url.pathname}: nothing received for ${idleMs / 1000} s`, { cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function receive(source: ModelFileSource, spec: UploadedFileSpec, url: URL, signal: AbortSignal, touch: () => void): Promise<Uint8Array> {
  const response = await (source.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${source.token}` }, signal });
  touch();
  if (!response.ok || !response.body) {
    const detail = await response.text().catch(() => '');
    const message = `downloading model spec "${spec.name}" from ${url.origin}${url.pathname}: HTTP ${response.status} ${detail.slice(0, 200)}`.trim();
    // A server error may pass; a refusal (404, 401, 403) will not.
    if (response.status >= 500) throw new Error(message);
    throw new AgentJobError(message);
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > source.maxBytes) {
    await response.body.cancel();
    throw tooLarge(spec, declared, source.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    touch();
    size += value.length;
    if (size > source.maxBytes) {
      await reader.cancel();
      throw tooLarge(spec, undefined, source.maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

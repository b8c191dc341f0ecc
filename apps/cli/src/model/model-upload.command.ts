import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliUsageError, EXIT_OK } from '../shared/cli-error.js';
import type { CliIo } from '../shared/cli-io.js';
import { platformOptions } from '../platform/platform-options.js';
import type { PlatformFlags } from '../platform/platform-session.js';

interface UploadFlags extends PlatformFlags {
  readonly name?: string;
}

/** What `PUT /uploads/model-specs` answers. */
interface Uploaded {
  readonly id: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly siteCount: number;
  readonly created: boolean;
}

const FORMATS: Readonly<Record<string, 'onnx' | 'yaml'>> = { '.onnx': 'onnx', '.yaml': 'yaml', '.yml': 'yaml' };

function formatOf(file: string): 'onnx' | 'yaml' {
  const format = FORMATS[extname(file).toLowerCase()];
  if (!format) throw new CliUsageError(`${file}: upload an .onnx file or an Ultralytics .yaml`);
  return format;
}

async function sizeOf(path: string, shown: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) throw new CliUsageError(`${shown}: no such file`);
  if (s.size === 0) throw new CliUsageError(`${shown}: the file is empty`);
  return s.size;
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

function uploadAction(io: CliIo, setExitCode: (code: number) => void) {
  return async (file: string, f: UploadFlags): Promise<void> => {
    const format = formatOf(file);
    const path = resolve(io.cwd ?? process.cwd(), file);
    const size = await sizeOf(path, file);
    const name = f.name ?? basename(file, extname(file));
    const { connect } = await import('../platform/platform-session.js');
    const p = await connect(f, io.env);
    const query = { organizationId: p.organization.id, name, format };
    const uploaded = await p.put<Uploaded>('/uploads/model-specs', query, { path, size });
    const result = { name, file, format, organization: p.organization.slug, ...uploaded };
    const what = `model spec ${name} (${uploaded.id}): ${uploaded.siteCount} sites, ${megabytes(size)}, sha256 ${uploaded.sha256.slice(0, 12)}…`;
    io.stdout.write(f.json ? `${JSON.stringify(result)}\n` : `${uploaded.created ? 'uploaded' : 'already uploaded, unchanged:'} ${what}\n`);
    setExitCode(EXIT_OK);
  };
}

/** `actnas model upload m.onnx [--name n]`: your own model on the platform, for agents to profile. */
export function modelUploadCommand(model: Command, io: CliIo, setExitCode: (code: number) => void): void {
  platformOptions(
    model
      .command('upload')
      .description("upload an ONNX file or Ultralytics YAML to the platform as a model spec of your organization (agents profile it, searches rewrite it); the same name and content again is a no-op")
      .argument('<file>', '.onnx (weights embedded) or .yaml')
      .option('--name <name>', 'model spec name (default: the file name without its extension)'),
  ).action(uploadAction(io, setExitCode));
}

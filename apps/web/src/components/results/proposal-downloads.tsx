import type { ModelSpecKind } from '@/graphql/generated';

const formats = [
  { format: 'ONNX', label: 'ONNX (rewritten)', short: 'ONNX' },
  { format: 'ULTRALYTICS_YAML', label: 'Ultralytics YAML', short: 'YAML' },
  { format: 'JSON', label: 'JSON', short: 'JSON' },
] as const;

/** `yolov5nu-v3-rank1.onnx`: the name the API gives the file, so links can say it. */
export function exportFilename(model: string, version: number, rank: number, format: (typeof formats)[number]['format']): string {
  const extension = format === 'ONNX' ? 'onnx' : format === 'JSON' ? 'json' : 'yaml';
  return `${model}-v${version}-rank${rank}.${extension}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The three downloads of one proposal; file names carry the model, version and rank. */
export function ProposalDownloads({ base, model, version, rank }: { readonly base: string; readonly model: string; readonly version: number; readonly rank: number }) {
  return (
    <span className="row-actions">
      {formats.map((f) => (
        <a key={f.format} href={`${base}/versions/${version}/export?rank=${rank}&format=${f.format}`} download={exportFilename(model, version, rank, f.format)} aria-label={`Download proposal ${rank} as ${f.label}`}>
          {f.short}
        </a>
      ))}
    </span>
  );
}

/** What the downloaded files hold, said once next to the links. */
export function WeightsNote({ kind }: { readonly kind: ModelSpecKind }) {
  return (
    <p className="hint" data-testid="weights-note">
      {kind === 'ONNX'
        ? 'ONNX downloads are your uploaded model with its own weights and the chosen activations. '
        : 'ONNX downloads carry seeded random weights (a fixed seed, not trained): right for measuring latency and memory on a device, meaningless for accuracy until you train the model or load your own weights. '}
      The Ultralytics YAML holds the architecture with per-layer activations and no weights; JSON lists each site&apos;s activation and the predicted totals.
      File names carry the model, version and rank.
    </p>
  );
}

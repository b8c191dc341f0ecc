import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A second opinion from the reference `onnx` package (Debian python3-onnx; CI installs it). */
const PYTHON = '/usr/bin/python3';
export const hasOnnxChecker = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;

const CHECK = `
import sys, onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    onnx.checker.check_model(m, full_check=True)
    out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]
    print(f.rsplit('/', 1)[-1], [d.dim_value or d.dim_param for d in out.type.tensor_type.shape.dim])
`;

/** A scratch folder for model files, and the checker run over them. */
export function onnxCheckerScratch(prefix: string): {
  readonly write: (name: string, bytes: Uint8Array) => string;
  /** Full check + strict shape inference; one line per file: `<file> [<output dims>]`. */
  readonly check: (files: readonly string[]) => readonly string[];
  readonly dispose: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    write: (name, bytes) => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      return file;
    },
    check: (files) => execFileSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' }).trim().split('\n'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

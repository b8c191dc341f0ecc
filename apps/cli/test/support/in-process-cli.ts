import { fileURLToPath } from 'node:url';
import { main as runCli } from '../../src/main.js';

/** The PyTorch-exported yolov8n this project did not write (test/fixtures/models). */
export const YOLOV8N_TORCH_EXPORT = fileURLToPath(new URL('../../../../test/fixtures/models/yolov8n-pytorch-export-opset17.onnx', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `actnas …` run in this process, its output captured. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

import type { Command } from 'commander';
import type { SpecOptions } from '../model/model-spec-loader.js';
import { MAX_MB_FLAG } from '../model/onnx-flags.js';

/** Model, runtime and protocol flags of `actnas verify` and `actnas search --verify`. */
export interface VerifyRunFlags extends SpecOptions {
  readonly model: string;
  readonly runtime: string;
  readonly threads: string;
  readonly nullCopies: string;
  readonly maxPairs: string;
  readonly maxModelSeconds: string;
  readonly targetAbs: string;
  readonly targetRel: string;
  readonly nwotImgsz?: string;
  readonly nwotBatch?: string;
  readonly maxMb?: string;
}

/** Whole mixed models run ~100× a micro block: a pair cap and a time cap per model keep 13 models of yolov5nu at 640 within minutes. */
export const VERIFY_DEFAULTS = { nullCopies: '2', maxPairs: '120', maxModelSeconds: '15', targetAbs: '0.2', targetRel: '0.05' } as const;

/** Registers the model, runtime and protocol flags on a command. */
export function verifyRunOptions(cmd: Command, note = ''): Command {
  const option = (flags: string, description: string, value?: string): void => {
    cmd.option(flags, description + note, value);
  };
  option('--model <name>', 'built-in model (yolov5nu, yolov8n, ...), an Ultralytics model YAML or an ONNX file: the model the proposals are for', 'yolov5nu');
  option('--imgsz <n>', 'square input size of the latency and memory measurements (multiple of 32; default 640; an ONNX file: its own, or this for dynamic sizes)');
  option('--runtime <id>', 'ort (onnxruntime-node CPU), tfjs, or a registered runtime', 'ort');
  option('--threads <n>', 'intra-op threads', '1');
  option('--null-copies <n>', 'fresh sessions of the unchanged reference measured first: the session noise floor', VERIFY_DEFAULTS.nullCopies);
  option('--max-pairs <n>', 'paired-run cap per whole model', VERIFY_DEFAULTS.maxPairs);
  option('--max-model-seconds <s>', 'time cap per whole model', VERIFY_DEFAULTS.maxModelSeconds);
  option('--target-abs <ms>', 'stop a model when its 95% CI half-width is ≤ this many ms …', VERIFY_DEFAULTS.targetAbs);
  option('--target-rel <f>', '… or ≤ this fraction of |delta|', VERIFY_DEFAULTS.targetRel);
  option('--nwot-imgsz <n>', 'NWOT input size (default: the accuracy table\'s, else --imgsz)');
  option('--nwot-batch <n>', 'NWOT batch (default: the accuracy table\'s, else 16)');
  option(MAX_MB_FLAG[0], `ONNX file: ${MAX_MB_FLAG[1]}`, MAX_MB_FLAG[2]);
  return cmd;
}

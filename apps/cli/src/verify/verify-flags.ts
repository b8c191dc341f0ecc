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

/**
 * Whole mixed models run ~100× a micro block. The latency phase gets --max-model-seconds of pair
 * time per model (null copies included), spent in turns on the models whose CI is still off
 * target: 13 models + 2 null copies of yolov5nu at 640 take about 4 minutes. The pair cap only
 * stops a model the budget would otherwise keep measuring.
 */
export const VERIFY_DEFAULTS = { nullCopies: '2', maxPairs: '600', maxModelSeconds: '15', targetAbs: '0.2', targetRel: '0.05' } as const;

/** Registers the model, runtime and protocol flags on a command. */
export function verifyRunOptions(cmd: Command, note = ''): Command {
  const option = (flags: string, description: string, value?: string): void => {
    cmd.option(flags, description + note, value);
  };
  option('--model <name>', 'built-in model (yolov5nu, yolov8n, ...), an Ultralytics model YAML or an ONNX file: the model the proposals are for', 'yolov5nu');
  option('--imgsz <n>', 'square input size of the latency and memory measurements (multiple of 32; default 640; an ONNX file: its own, or this for dynamic sizes)');
  option('--runtime <id>', 'ort (onnxruntime-node CPU), tfjs, or a registered runtime', 'ort');
  option('--threads <n>', 'intra-op threads', '1');
  option('--null-copies <n>', 'fresh sessions of the unchanged reference measured beside the models: the session noise floor', VERIFY_DEFAULTS.nullCopies);
  option('--max-pairs <n>', 'paired-run cap per whole model', VERIFY_DEFAULTS.maxPairs);
  option('--max-model-seconds <s>', 'pair time per whole model on average: the latency budget is this × models (null copies included), spent in turns on the models still off target', VERIFY_DEFAULTS.maxModelSeconds);
  option('--target-abs <ms>', 'stop a model when its 95% CI half-width is ≤ this many ms …', VERIFY_DEFAULTS.targetAbs);
  option('--target-rel <f>', '… or ≤ this fraction of |delta|', VERIFY_DEFAULTS.targetRel);
  option('--nwot-imgsz <n>', 'NWOT input size (default: the accuracy table\'s, else --imgsz)');
  option('--nwot-batch <n>', 'NWOT batch (default: the accuracy table\'s, else 16)');
  option(MAX_MB_FLAG[0], `ONNX file: ${MAX_MB_FLAG[1]}`, MAX_MB_FLAG[2]);
  return cmd;
}

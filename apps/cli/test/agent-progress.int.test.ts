import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hardswish, ReLU, SiLU } from '@actnas/core';
import { afterAll, describe, expect, it } from 'vitest';
import { measureJob } from '../src/agent/agent.profiler.js';
import type { AgentSettings } from '../src/agent/agent.profiler.js';
import { agentJob, builtinSpec } from './support/agent-job.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const job = agentJob('00000000-0000-4000-8000-0000000000c1', ['LATENCY'], builtinSpec('yolov8n'));

async function progressOf(anchorPairs: number): Promise<number[]> {
  dirs.push(mkdtempSync(join(tmpdir(), 'actnas-agent-progress-')));
  const settings: AgentSettings = { name: 'unit-agent', runtime: 'ort', threads: 1, mode: 'micro', maxPairs: 4, maxCellSeconds: 1, anchorPairs, candidates: [SiLU, ReLU, Hardswish], workDir: dirs.at(-1)! };
  const reported: number[] = [];
  await measureJob(job, settings, { onProgress: (p) => reported.push(p), onCell: () => undefined });
  return reported;
}

describe('agent progress on a micro latency table', () => {
  it('keeps half the job for the whole-model calibration: the cells end at 50 %, each turn of the anchors adds its pairs, 100 % only when the table is done', async () => {
    const reported = await progressOf(16);
    for (let i = 1; i < reported.length; i++) expect(reported[i]!).toBeGreaterThanOrEqual(reported[i - 1]!);
    const cells = reported.filter((p) => p <= 0.5);
    expect(cells.at(-1)).toBe(0.5);
    // Two anchors (all-ReLU, all-Hardswish) after the cells, in turns of 8 pairs up to 16 each:
    // 8 / 32, 16 / 32, 24 / 32 of the pairs at most (less once one stops at its target), then all.
    const calibration = reported.filter((p) => p > 0.5);
    expect(calibration.length).toBeGreaterThanOrEqual(2);
    expect(calibration[0]).toBeCloseTo(0.5 + 0.5 * (8 / 32), 9);
    expect(calibration.at(-1)).toBe(1);
  });

  it('without a calibration the cells are the whole job', async () => {
    const reported = await progressOf(0);
    expect(reported.at(-1)).toBe(1);
    expect(reported.filter((p) => p > 0 && p < 1).length).toBeGreaterThan(10);
  });
});

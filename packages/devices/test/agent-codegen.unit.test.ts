import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../scripts/agent.codegen.js';

const devicesRoot = fileURLToPath(new URL('..', import.meta.url));

describe("the agent's generated operation types", () => {
  it('match apps/api/schema.graphql and src/agent/operations (run `npm run codegen:agent -w @actnas/devices`)', async () => {
    const cwd = process.cwd();
    process.chdir(devicesRoot);
    try {
      const outputs = await generate({ ...config, silent: true, cwd: devicesRoot }, false);
      expect(outputs).toHaveLength(1);
      for (const output of outputs) {
        const committed = await readFile(new URL(`../${output.filename.replace(devicesRoot, '')}`, import.meta.url), 'utf8');
        expect(committed, output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});

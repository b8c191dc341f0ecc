import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));

describe("the CLI's generated operation types", () => {
  it('match apps/api/schema.graphql and src/**/operations (run `npm run codegen -w @actnas/cli`)', async () => {
    const cwd = process.cwd();
    process.chdir(cliRoot);
    try {
      const outputs = await generate({ ...config, silent: true, cwd: cliRoot }, false);
      expect(outputs).toHaveLength(1);
      for (const output of outputs) {
        const committed = await readFile(new URL(`../${output.filename.replace(cliRoot, '')}`, import.meta.url), 'utf8');
        expect(committed, output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});

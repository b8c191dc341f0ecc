import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen';

const webRoot = fileURLToPath(new URL('..', import.meta.url));

describe('generated operation types', () => {
  it('match apps/api/schema.graphql and src/graphql/operations (run `npm run codegen -w @actnas/web`)', async () => {
    const cwd = process.cwd();
    process.chdir(webRoot);
    try {
      const outputs = await generate({ ...config, silent: true, cwd: webRoot }, false);
      expect(outputs).toHaveLength(1);
      for (const output of outputs) {
        const committed = await readFile(new URL(`../${output.filename.replace(webRoot, '')}`, import.meta.url), 'utf8');
        expect(committed, output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});

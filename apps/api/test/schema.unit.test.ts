import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';
import { printedSchema } from '../src/graphql/sdl.js';

const apiRoot = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): Promise<string> => readFile(new URL(`../${path}`, import.meta.url), 'utf8');

describe('committed GraphQL artifacts', () => {
  it('schema.graphql matches the modules (run `npm run schema:print -w @actnas/api`)', async () => {
    expect(await read('schema.graphql')).toBe(printedSchema());
  });

  it('generated resolver and client types match schema.graphql (run `npm run codegen -w @actnas/api`)', async () => {
    const cwd = process.cwd();
    process.chdir(apiRoot);
    try {
      const outputs = await generate({ ...config, silent: true, cwd: apiRoot }, false);
      expect(outputs.length).toBe(2);
      for (const output of outputs) {
        expect(await read(output.filename.replace(apiRoot, '')), output.filename).toBe(output.content);
      }
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});

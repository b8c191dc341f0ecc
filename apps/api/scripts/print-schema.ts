// Writes apps/api/schema.graphql from the modules' SDL; a test fails when the file drifts.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printedSchema } from '../src/graphql/sdl.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
await writeFile(target, printedSchema());
console.log(`wrote ${target}`);

// Writes a migration with the SQL that brings a freshly migrated database in line with the
// entities: `npm run migration:generate -w @actnas/api -- AddCostTables`. Review it, then add
// the class to migrations/src/index.ts.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/database/data-source.js';
import { createTestDatabase } from '../test/support/database.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: generate-migration <PascalCaseName>');
  process.exit(2);
}
/** The migration's source, or undefined when entities and migrations already agree. */
async function generate(url: string): Promise<string | undefined> {
  const dataSource = await openDatabase({ url });
  const sql = await dataSource.driver.createSchemaBuilder().log();
  await dataSource.destroy();
  if (sql.upQueries.length === 0) return undefined;
  const timestamp = Date.now();
  const quote = (query: string): string => `    await queryRunner.query(${JSON.stringify(query)});`;
  const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  readonly name = '${name}${timestamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map((q) => quote(q.query)).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${[...sql.downQueries].reverse().map((q) => quote(q.query)).join('\n')}
  }
}
`;
  const file = fileURLToPath(new URL(`../../../migrations/src/${timestamp}-${name}.ts`, import.meta.url));
  await writeFile(file, source);
  return file;
}

// The scratch database is dropped whatever happens (process.exit inside the try used to skip it).
const database = await createTestDatabase('migration');
let written: string | undefined;
try {
  written = await generate(database.url);
} finally {
  await database.drop();
}
console.log(written ? `wrote ${written}` : 'entities and migrations agree; nothing to generate');

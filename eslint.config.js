import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

/**
 * Package boundaries: dependencies point one way, core <- devices <- cli and core <- api; web and
 * cli talk to the API only over GraphQL (types generated from apps/api/schema.graphql). Nothing
 * imports another package's `src/` (or `dist/`) directly, and no module imports itself in a loop.
 */
const deepImport = {
  group: ['@actnas/*/src/*', '@actnas/*/dist/*', '**/packages/*/src/*', '**/apps/*/src/*'],
  message: 'Import a workspace package through its public exports, not its files.',
};
const boundary = (forbidden, why) => ({
  group: forbidden,
  message: why,
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.turbo/**', '**/.next/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['packages/*/tsconfig.json', 'apps/*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            boundary(['@actnas/devices', '@actnas/cli', '@actnas/api', '@actnas/web', '@actnas/*/*'], 'core depends on no other workspace package.'),
            boundary(['node:fs', 'node:fs/*', 'fs', 'node:child_process', 'node:net', 'node:http', 'onnxruntime-node'], 'core is pure: no I/O, no runtimes. Do it in packages/devices.'),
          ],
        },
      ],
    },
  },
  {
    files: ['packages/devices/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            boundary(['@actnas/cli', '@actnas/cli/*', '@actnas/api', '@actnas/api/*', '@actnas/web', '@actnas/web/*'], 'devices is a library on top of core: it knows no app.'),
            boundary(['graphql', 'graphql/*', '@graphql-typed-document-node/*', '@apollo/*', 'commander', 'cli-progress', 'cli-table3'], 'devices has no CLI and no GraphQL: they live in apps/cli.'),
          ],
        },
      ],
    },
  },
  {
    files: ['apps/cli/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/api', '@actnas/api/*', '@actnas/web', '@actnas/web/*', '@actnas/migrations', '@actnas/migrations/*'], 'the CLI talks to the API over GraphQL only (types generated from apps/api/schema.graphql).')] },
      ],
    },
  },
  {
    files: ['apps/api/src/**'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Sources import each other as `./x.js`; resolve those to the `.ts` files.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] }, conditionNames: ['@actnas/source', 'import', 'default'] })],
    },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/devices', '@actnas/devices/*', '@actnas/cli', '@actnas/cli/*', '@actnas/web', '@actnas/web/*'], 'the API depends on core only; devices measure through agents (apps/cli) over GraphQL.')] },
      ],
      // No import loops inside the API (type-only imports aside; the layering rule below covers those).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Layering: the domain (services, policy, data access) never depends on GraphQL code, types included.
    files: ['apps/api/src/modules/**/*.service.ts', 'apps/api/src/modules/**/*.entity.ts', 'apps/api/src/auth/**', 'apps/api/src/database/**', 'apps/api/src/jobs/**', 'apps/api/src/services.ts', 'apps/api/src/errors.ts', 'apps/api/src/config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepImport,
            boundary(['@actnas/web', '@actnas/web/*'], 'the API never depends on the dashboard.'),
            boundary(['./graphql/*', '../graphql/*', '../../graphql/*', '**/*.resolver.js', '**/*.graphql.js'], 'services, policy and data access do not depend on GraphQL code; resolvers call services.'),
          ],
        },
      ],
    },
  },
  {
    // Tenant scoping: repositories, query builders and raw SQL only through src/database/tenant.ts
    // (owned / global / crossTenant), so a query without the organization cannot be written by accident.
    files: ['apps/api/src/**'],
    ignores: ['apps/api/src/database/**', 'apps/api/src/jobs/**', 'apps/api/src/response-cache/change-feed.ts', 'apps/api/src/server.ts', 'apps/api/src/cluster.ts', 'apps/api/src/health/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // A query builder of global(…) or crossTenant(…) is fine: both say what they are.
          selector: "MemberExpression[property.name=/^(getRepository|getTreeRepository|createQueryBuilder|createQueryRunner|getMetadata)$/]:not([object.callee.name=/^(global|crossTenant)$/])",
          message: 'Reach the database through database/tenant.ts: owned(…) for organization rows, global(…) for unowned tables, crossTenant(…) with a reason.',
        },
        {
          selector: "MemberExpression[object.name=/^(manager|dataSource|queryRunner|runner)$/][property.name=/^(query|find|findBy|findOne|findOneBy|findAndCount|count|countBy|exists|existsBy|update|delete|insert|save|upsert|remove|softDelete|restore|increment|decrement|maximum|minimum|sum)$/]",
          message: 'EntityManager / DataSource CRUD skips the tenant filter: use owned(…), global(…) or crossTenant(…) from database/tenant.ts.',
        },
        {
          selector: "MemberExpression[object.property.name=/^(manager|dataSource|queryRunner)$/][property.name=/^(query|find|findBy|findOne|findOneBy|findAndCount|count|countBy|exists|existsBy|update|delete|insert|save|upsert|remove|softDelete|restore|increment|decrement|maximum|minimum|sum)$/]",
          message: 'EntityManager / DataSource CRUD skips the tenant filter: use owned(…), global(…) or crossTenant(…) from database/tenant.ts.',
        },
        {
          selector: "ImportDeclaration[source.value=/database\\/(lean|query-rows|pagination)\\.js$/] > ImportSpecifier[imported.name=/^(leanQuery|queryRows|paginate|paginateLean)$/]",
          message: 'Raw SQL and query pagination go through database/tenant.ts (owned(…).sql / .lean / .page / .paginate, crossTenantSql, paginateQuery).',
        },
      ],
    },
  },
  {
    files: ['apps/web/**'],
    ignores: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/cli', '@actnas/api', '@actnas/*/*'], 'the dashboard talks to the API over GraphQL only.')] },
      ],
    },
  },
  {
    // The dashboard's browser tests and benchmarks start the real API in process.
    files: ['apps/web/test/**', 'apps/web/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [deepImport, boundary(['@actnas/core', '@actnas/devices', '@actnas/cli', '@actnas/*/*'], 'web tests reach the platform through the API only.')] },
      ],
    },
  },
);

// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Dependencies point inwards: see docs/architecture.md. */
const restrict = (patterns) => ({ rules: { 'no-restricted-imports': ['error', { patterns }] } });
const serverOnly = {
  group: ['@cardwarden/server', '@cardwarden/server/*'],
  message: 'server code stays in the server',
};
/** The browser has no Node: no `node:` module, no bare built-in name either. */
const nodeBuiltins = {
  group: ['node:*', ...builtinModules.filter((name) => !name.startsWith('_'))],
  message: 'web code runs in the browser: no Node built-ins',
};
/** Only repositories (and the database set-up in db/) touch the ORM: see docs/architecture.md. */
const ormOnlyInRepositories = {
  group: ['drizzle-orm', 'drizzle-orm/*'],
  message: 'only repositories (src/repositories) and src/db import drizzle-orm; call a repository function',
};
/** Services never open a transaction: the edge does (db/unit-of-work.ts), see docs/architecture.md. */
const transactionsAtTheEdge = {
  group: ['**/db/unit-of-work.js'],
  importNames: ['inTransaction', 'unitOfWork'],
  message:
    'a service takes the transaction (tx: Transaction) or the unit of work (uow: UnitOfWork) from its caller: routes, the CLI and jobs open it',
};
/** A client types no API path: see the last block. */
const apiPathSelectors = ['Literal[value=/api\\/v1/]', 'TemplateElement[value.raw=/api\\/v1/]'].map(
  (selector) => ({
    selector,
    message:
      "an API path outside the route table: use pathTo(api.<area>.<route>, params) from '@cardwarden/contract' (packages/contract/src/routes)",
  }),
);
const cryptoEntry = {
  group: ['@cardwarden/protocol/crypto', '**/crypto/index.js', 'node:crypto', 'crypto'],
  message: 'browser code must not use crypto; use the browser-safe @cardwarden/protocol entries',
};
/** The web app reads challenges and admin-key algorithms; card framing is for card readers. */
const cardEntries = {
  group: ['@cardwarden/protocol/apdu', '@cardwarden/protocol/gids', '@cardwarden/protocol/piv'],
  message: 'the web app uses only the browser-safe protocol entries: /challenge, /hex, /admin-key',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'data/**',
      '**/drizzle/**',
      '.test-results/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'scripts/*.mjs', 'packages/web/vite.config.ts'] },
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'packages/integration-tests/**', '**/test/**', '**/bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['packages/protocol/src/**'],
    ignores: ['packages/protocol/src/crypto/**'],
    ...restrict([
      serverOnly,
      { group: ['@cardwarden/contract'], message: 'protocol imports nothing of ours' },
      { group: ['node:*'], message: 'protocol is pure: only src/crypto may use node:crypto' },
    ]),
  },
  { files: ['packages/contract/src/**'], ...restrict([serverOnly, cryptoEntry]) },
  {
    files: ['packages/web/src/**'],
    ignores: ['packages/web/src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [serverOnly, cryptoEntry, cardEntries, nodeBuiltins],
          paths: [
            {
              name: '@cardwarden/contract',
              allowTypeImports: true,
              message:
                "the contract's values pull its zod schemas into the bundle: import types, and words from '@cardwarden/contract/enums'",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/web/src/**/*.test.{ts,tsx}'],
    ...restrict([serverOnly, cryptoEntry, cardEntries, nodeBuiltins]),
  },
  {
    files: ['packages/server/src/**'],
    ignores: ['packages/server/src/repositories/**', 'packages/server/src/db/**'],
    ...restrict([ormOnlyInRepositories]),
  },
  {
    files: ['packages/server/src/services/**', 'packages/server/src/**/*.service.ts'],
    ...restrict([ormOnlyInRepositories, transactionsAtTheEdge]),
  },
  {
    // No import cycles inside a package (between packages, the rules above already point dependencies inwards).
    files: ['packages/*/src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
          conditionNames: ['cardwarden-source', 'import', 'default'],
        }),
      ],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    languageOptions: { globals: globals.browser },
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      // `import { type X }` keeps a side-effect import: it would pull the contract's zod schemas into the bundle.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  { files: ['packages/card-sim/src/**', 'packages/unlock/src/**'], ...restrict([serverOnly]) },
  {
    // Every client calls the API through the contract's route table (pathTo, ApiClient.call, the generated
    // header): a path typed by hand is how clients drift from the server.
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['packages/contract/src/routes/**'],
    rules: { 'no-restricted-syntax': ['error', ...apiPathSelectors] },
  },
  {
    // One transaction per use case, opened at the edge through db/unit-of-work.ts (inTransaction), so that
    // steps compose; repositories and src/db may still use the driver's own (a savepoint, a batch).
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/repositories/**', 'packages/server/src/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...apiPathSelectors,
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message:
            "open the use case's transaction at the edge with inTransaction (src/db/unit-of-work.ts), and pass it to the steps",
        },
      ],
    },
  },
);

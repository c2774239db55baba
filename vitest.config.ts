import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Packages resolve each other's TypeScript sources through the `cardwarden-source` export condition.
// (Not 'import': Node passes extra conditions to require() too, and CommonJS packages would get ESM.)
const SOURCE = 'cardwarden-source';

export default defineConfig({
  resolve: { conditions: [SOURCE, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE, ...defaultServerConditions] } },
  test: {
    // Servers the tests start (in process or as a child process) turn an undeclared status into a 500.
    env: { CARDWARDEN_STRICT_STATUSES: 'true' },
    projects: [
      { extends: true, test: { name: 'repo', include: ['scripts/**/*.test.ts'] } },
      { extends: true, test: { name: 'protocol', include: ['packages/protocol/src/**/*.test.ts'] } },
      { extends: true, test: { name: 'contract', include: ['packages/contract/src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'card-sim',
          include: ['packages/card-sim/src/**/*.test.ts', 'packages/card-sim/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'unlock',
          include: ['packages/unlock/src/**/*.test.ts', 'packages/unlock/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'credential-provider',
          include: ['packages/credential-provider/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'web',
          include: ['packages/web/src/**/*.test.{ts,tsx}', 'packages/web/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

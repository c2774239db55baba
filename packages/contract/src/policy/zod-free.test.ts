import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The web bundle imports this folder (`@cardwarden/contract/policy`): a value imported from outside it
 * would bring the contract's zod schemas along, whose eval probe the Content-Security-Policy reports.
 * Types are erased, so `import type` from anywhere is fine.
 */
describe('the policy entry', () => {
  const folder = new URL('./', import.meta.url);
  const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

  it('imports values only from its own folder', () => {
    expect(sources).toContain('index.ts');
    for (const name of sources) {
      const text = readFileSync(new URL(name, folder), 'utf8');
      const imports = [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)];
      for (const [, typeOnly, from] of imports) {
        if (typeOnly) continue;
        expect(from, `${name} imports a value from ${String(from)}`).toMatch(/^\.\/[a-z-]+\.js$/);
      }
    }
  });
});

/** axe-core in a page under test: every serious or critical violation fails the test. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Evaluated through DevTools, so the page's CSP stays as it is. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page as it is now (with any dialog open): fails on every serious or critical
 * violation (contrast below WCAG AA, unnamed buttons, unlabelled fields, …).
 */
export async function checkAccessibility(page: Page, where: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
    }
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id} (${violation.impact ?? ''}): ${violation.help} at ${violation.nodes
            .slice(0, 4)
            .map((node) => node.target.join(' '))
            .join(', ')}`,
      );
  });
  expect(violations, `axe-core on ${where} (${page.url()})`).toEqual([]);
}

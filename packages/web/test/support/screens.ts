/**
 * What the browser suites do with a screen besides clicking: photograph it for docs/screenshots (each
 * photographed screen also checked by axe-core) and choose from a native select with the keyboard. Shared
 * so that every suite photographs and chooses the same way.
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { checkAccessibility } from './accessibility.js';
import { REPO_ROOT } from './build.js';

/** Where screenshots go with CARDWARDEN_SCREENSHOTS=1; null when the run takes none. */
export const SHOTS = process.env.CARDWARDEN_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs/screenshots') : null;

/** Every screen a suite photographs is also checked for accessibility. */
export async function shot(page: Page, name: string): Promise<void> {
  await checkAccessibility(page, name);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled' });
}

/**
 * Chooses an option of a native select as a keyboard user does: focus on it, then the arrow keys
 * until the option shows (the browser fires the change as it would for a person).
 */
export async function choose(select: Locator, label: string): Promise<void> {
  const state = () =>
    select.evaluate((element, wanted) => {
      const options = [...(element as HTMLSelectElement).options];
      return {
        current: (element as HTMLSelectElement).selectedIndex,
        target: options.findIndex((option) => option.text === wanted),
      };
    }, label);
  const { target } = await state();
  expect(target, `the option "${label}"`).toBeGreaterThanOrEqual(0);
  await select.focus();
  for (let presses = 0; presses < 50; presses++) {
    const { current } = await state();
    if (current === target) return;
    await select.press(current < target ? 'ArrowDown' : 'ArrowUp');
  }
  throw new Error(`the arrow keys never reached "${label}"`);
}

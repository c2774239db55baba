/** Browser pages for an end-to-end suite: one context (one sign-in) per page, their errors collected. */
import type { Browser, BrowserContext, Page } from 'playwright-core';

/**
 * The pages of one suite. Each page gets its own context, so each signs in on its own; uncaught errors
 * and console errors (CSP violations, React warnings) are collected until `takeErrors`, which the suite
 * checks after each test; `close` closes every context at the end.
 *
 * @example
 * const pages = new PageSet();
 * afterEach(() => expect(pages.takeErrors()).toEqual([]));
 * afterAll(() => pages.close());
 * const page = await pages.newPage(browser, server.url);
 */
export class PageSet {
  private readonly contexts: BrowserContext[] = [];
  private errors: string[] = [];

  /** A new page at 1280×860 on `baseURL`, its errors watched. */
  async newPage(browser: Browser, baseURL: string): Promise<Page> {
    // Reduced motion: dialogs appear without a fade, so that axe never sees one half drawn.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 860 },
      baseURL,
      reducedMotion: 'reduce',
    });
    this.track(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => this.errors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      // The API's 4xx answers the tests provoke are logged by Chromium as failed loads: not page errors.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        this.errors.push(`${page.url()}: ${message.text()}`);
      }
    });
    return page;
  }

  /** A context the test made itself, closed with the others. */
  track(context: BrowserContext): void {
    this.contexts.push(context);
  }

  /** The errors since the last call. */
  takeErrors(): string[] {
    const errors = this.errors;
    this.errors = [];
    return errors;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => undefined);
  }
}

import { AxeBuilder } from '@axe-core/playwright';
import sparticuz from '@sparticuz/chromium';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { TestApp } from './app.js';

export const SCREENSHOTS = resolve(import.meta.dirname, 'screenshots');

/** The app of a test, served on 127.0.0.1, and a real Chromium to use it with. */
export interface BrowserTest {
  url: string;
  browser: Browser;
  /** Console errors and page errors, each with the test it happened in. */
  consoleErrors: string[];
  /** A fresh browser (no cookie) at a width, on the app's first page, collecting console errors. */
  open(width?: number): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startBrowser(t: TestApp): Promise<BrowserTest> {
  await t.app.listen(0, '127.0.0.1');
  const url = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
  // One process for the whole browser would end it with its first closed context.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  const browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args });
  await mkdir(SCREENSHOTS, { recursive: true });
  const consoleErrors: string[] = [];
  return {
    url,
    browser,
    consoleErrors,
    async open(width = 1280) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const during = expect.getState().currentTestName;
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`${during}: ${m.text()}`);
      });
      page.on('pageerror', (e) => consoleErrors.push(`${during}: ${e.message} ${e.stack ?? ''}`));
      await page.goto(`${url}/`);
      return { context, page };
    },
    close: () => browser.close(),
  };
}

/** The console errors that are not the API's own 401 and 403 answers (which a screen shows as such). */
export const unexpected = (errors: string[]) =>
  errors.filter((e) => !e.includes('status of 401') && !e.includes('status of 403'));

export async function signIn(page: Page, role: string, password = `${role}-password-long`) {
  await page.getByLabel(/E-Mail|Email/).fill(`${role}@example.org`);
  await page.getByLabel(/Passwort|Password/).fill(password);
  await page.getByRole('button', { name: /Anmelden|Sign in/ }).click();
}

/**
 * No serious or critical axe violation on the page as it is now. A sandboxed frame (an email's preview) runs no
 * script, so axe cannot look inside it; what it shows is the message, not the app.
 */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Waits until `condition` holds; on timeout, the error names the condition it waited for. */
export async function until(condition: () => Promise<boolean>, ms = 20_000) {
  for (const start = Date.now(); !(await condition());) {
    if (Date.now() - start > ms)
      throw new Error(`waited ${ms / 1000} s for ${String(condition).replace(/\s+/g, ' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Waits until the element shows `expected`: exactly this text (trimmed), or text matching this pattern. On timeout,
 * the error says what it expected and what the element showed, or that it was not on the page.
 */
export async function shows(locator: Locator, expected: string | RegExp, ms = 20_000) {
  const matches = (text: string) =>
    typeof expected === 'string' ? text.trim() === expected : expected.test(text);
  let seen = 'nothing: it is not on the page';
  for (const start = Date.now(); Date.now() - start <= ms;) {
    const text = await locator.textContent({ timeout: 1000 }).catch((e: Error) => {
      if (!e.message.includes('Timeout')) seen = e.message.split('\n')[0];
      return null;
    });
    if (text !== null && matches(text)) return;
    if (text !== null) seen = JSON.stringify(text.trim());
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`expected ${String(locator)} to show ${String(expected)}; it showed ${seen}`);
}

/** A pattern matching text that contains `text` as it is. */
export const containing = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

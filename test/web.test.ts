// The web page in a real browser (Debian's Chromium through playwright-core), loaded from disk:
// every figure it shows is compared with the CLI's for the same request, its errors with the
// CLI's sentences, and axe-core checks it for accessibility. The page's pure parts (state.ts)
// are tested here too, in Node.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { traceState } from '../src/web/present.js';
import { commandOf, DEFAULT_STATE, errorForPerson, fragmentOf, shellWord, stateFromFragment } from '../src/web/state.js';
import { ARTIFACTS, consoleErrors, figures, inBrowser, openPage, PAGE_URL, setFragment, settled, sharedBrowser, watch, type PageGlobals } from './helpers/browser.js';
import { cli } from './helpers/cli.js';
import { REFERENCE, ROOT } from './helpers/model.js';

const published = JSON.parse(readFileSync(join(REFERENCE, 'published.json'), 'utf8')) as {
  torchvision: { models: Record<string, { params: number; gmacs: number }> };
  timm: { models: Record<string, number> };
};

/** 60192808 -> "60,192,808", written independently of the project's own formatter. */
const withCommas = (n: number | string): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The CLI's arguments for a fragment's model, input and classes (the page's documented keys). */
function cliArgs(fragment: string): string[] {
  const p = new URLSearchParams(fragment);
  const args = p.has('config') ? ['--config', '-'] : ['--arch', p.get('arch') ?? 'resnet50'];
  if (p.has('input')) args.push('--input', p.get('input')!);
  if (p.has('classes')) args.push('--classes', p.get('classes')!);
  return args;
}

/** Runs the built CLI as a user would (a config goes in on standard input). */
function runCli(fragment: string, more: string[]): { code: number; stdout: string; stderr: string } {
  const config = new URLSearchParams(fragment).get('config');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'resnet-shapes.js'), ...cliArgs(fragment), ...more], {
    input: config ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    // a large network's JSON is more than spawnSync's default megabyte
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface TraceDoc {
  output: (number | 'N')[];
  layers: unknown[];
  totals: { params: number; macs: number };
}

async function cliJson(fragment: string): Promise<TraceDoc> {
  // a config goes in on standard input, so the CLI runs as a process
  const run = new URLSearchParams(fragment).has('config') ? runCli(fragment, ['--format', 'json']) : await cli([...cliArgs(fragment), '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as TraceDoc;
}

describe('page state (pure)', () => {
  it('reads the documented fragment keys and writes them back', () => {
    const s = stateFromFragment('#arch=resnet50&input=10,3,224,224&classes=1');
    expect([s.arch, s.config, s.input, s.classes]).toEqual(['resnet50', null, '10,3,224,224', '1']);
    expect(stateFromFragment(`#${fragmentOf(s)}`)).toEqual(s);
    expect(fragmentOf(s)).toBe('arch=resnet50&input=10%2C3%2C224%2C224&classes=1');
  });

  it('a config in the fragment is URL-encoded JSON, and round-trips with spaces and quotes', () => {
    const config = '{"extends": "resnet18", "description": "a \'quoted\' name & more"}';
    const s = stateFromFragment(`config=${encodeURIComponent(config)}`);
    expect(s.config).toBe(config);
    expect(s.arch).toBe('');
    expect(stateFromFragment(fragmentOf(s)).config).toBe(config);
  });

  it('settings outside their choices fall back to the defaults; the model fields are kept as given', () => {
    const s = stateFromFragment('arch=nope&view=bogus&dtype=int4&input=a,b');
    expect(s.view).toBe(DEFAULT_STATE.view);
    expect(s.dtype).toBe(DEFAULT_STATE.dtype);
    expect([s.arch, s.input]).toEqual(['nope', 'a,b']);
  });

  it('copy as command: shell words quoted only when needed, a config piped to --config -', () => {
    expect(shellWord('resnet50')).toBe('resnet50');
    expect(shellWord('?,3,224,224')).toBe("'?,3,224,224'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    const s = stateFromFragment('arch=resnet50&input=10,3,224,224&classes=1&view=log');
    expect(commandOf(s)).toBe('resnet-shapes --arch resnet50 --input 10,3,224,224 --classes 1');
    const c = stateFromFragment(`config=${encodeURIComponent('{"extends":"resnet18"}')}&view=json&optimizer=adam`);
    expect(commandOf(c)).toBe(`printf '%s\\n' '{"extends":"resnet18"}' | resnet-shapes --config - --format json --optimizer adam --fit 24GiB`);
  });

  it('the copied command, run, prints what the page traced (config from standard input included)', () => {
    const s = stateFromFragment(`config=${encodeURIComponent('{"extends":"resnet18","classes":7}')}&input=2,3,64,64&view=json`);
    const out = execFileSync('bash', ['-c', commandOf(s).replace(/resnet-shapes /, `${JSON.stringify(process.execPath)} bin/resnet-shapes.js `)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const o = traceState(s);
    expect(o.ok).toBe(true);
    const doc = JSON.parse(out) as TraceDoc;
    if (o.ok) {
      expect(doc.totals.params).toBe(Number(o.analysis.trace.totals.params));
      expect(doc.output).toEqual([2, 7]);
    }
  });

  it('a config mistake points at its line in the text', () => {
    const text = '{\n  "block": "basic",\n  "layers": [2, -1, 2, 2]\n}';
    const o = traceState(stateFromFragment(`config=${encodeURIComponent(text)}`));
    expect(o.ok).toBe(false);
    if (!o.ok) {
      expect(o.error).toMatch(/^standard input: layers\[1\]: /);
      expect(o.configLine).toBe(3);
    }
    const broken = traceState(stateFromFragment(`config=${encodeURIComponent('{\n  "block": "basic",\n  "layers": [2, 2\n}')}`));
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.configLine).toBe(4);
  });

  it.each([
    ['arch=resnet50&input=1,3,0,224', 'Height: expected a whole number ≥ 1, found 0'],
    ['arch=resnet50&input=1,3,224,2.5', "Width: expected a whole number, found '2.5' (a fraction)"],
    // a clip's and a signal's boxes, by the names the CLI gives them
    ['arch=r3d_18&input=1,3,0,112,112', 'Frames: expected a whole number ≥ 1, found 0'],
    ['arch=tsc_resnet&input=1,1,0', 'Length: expected a whole number ≥ 1, found 0'],
    // a rank the network cannot take: its first layer says so, and which boxes it wants
    ['arch=resnet50&input=1,3,224', 'Input: the network cannot take the input [1, 3, 224]: conv1: expected a 4-d input [N, C, H, W], found [1, 3, 224], which PyTorch would read as one sample [C, H, W] without its batch (of 1 channels, not 3): after N and C come 2 sizes (height, width) (the boxes for it: Batch, Channels, Height, Width)'],
    ['arch=r3d_18&input=1,3,112,112', 'Input: the network cannot take the input [1, 3, 112, 112]: stem.0: expected a 5-d input [N, C, T, H, W], found [1, 3, 112, 112], which PyTorch would read as one sample [C, T, H, W] without its batch (of 1 channels, not 3): after N and C come 3 sizes (frames, height, width) (the boxes for it: Batch, Channels, Frames, Height, Width)'],
    ['arch=resnet50&input=1', "Input: expected the four boxes Batch, Channels, Height and Width (a clip's five with Frames, a signal's three with Length), found 1 ('1')"],
    ['arch=resnet50&classes=-1', 'Classes: expected a whole number ≥ 0, found -1'],
    ['arch=resnet50&input=1,4,224,224', 'Channels: the network cannot take the input [1, 4, 224, 224]: conv1: expected 3 input channels, found 4'],
    ['arch=resnet50&input=1,224,224,3', 'Channels: the network cannot take the input [1, 224, 224, 3]: conv1: expected 3 input channels, found 224 (the boxes are Batch, Channels, Height, Width: did you mean 1,3,224,224?)'],
    ['arch=resnet56', "Preset: 'resnet56' is unknown; did you mean 'resnet56_cifar'?"],
    ['arch=resnet999', "Preset: 'resnet999' is unknown"],
    [`config=${encodeURIComponent('{\n  "block": "basic",\n  "layers": [2, -1]\n}')}`, 'Config line 3: layers[1]: expected a positive integer, got -1'],
    ['arch=resnet50&view=memory&gpu=24', "GPU memory: '24' has no unit: write 24GiB (24·2^30 bytes) or 24GB (24·10^9), or 24B for bytes"],
  ])('#%s reads, in plain words naming the control: %s', (fragment, words) => {
    const o = traceState(stateFromFragment(fragment));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(errorForPerson(o.error, o.configLine)).toBe(words);
  });
});

inBrowser('the page in Chromium', () => {
  const chromium = sharedBrowser();
  // no uncaught error and no console error in any page of any test
  afterEach(() => {
    const errors = consoleErrors.splice(0);
    expect(errors).toEqual([]);
  });

  // presets at several inputs and classes: each figure equal to the CLI's JSON
  const CASES = [
    'arch=resnet152&input=1,3,224,224',
    'arch=resnet50&input=10,3,224,224&classes=1',
    'arch=resnext50_32x4d&input=1,3,97,61',
    'arch=resnet18&input=N,3,224,224',
    'arch=wide_resnet50_2&input=2,3,160,192&classes=10',
    'arch=resnet50d&input=1,3,225,193',
    'arch=resnet20_cifar',
    'arch=keras_resnet50&input=1,3,224,224',
    `config=${encodeURIComponent('{"extends":"resnet34","widths":[32,64,128,256],"classes":5}')}&input=3,3,128,96`,
    // a clip and a signal (#31)
    'arch=r2plus1d_18&input=2,3,8,64,80',
    'arch=tsc_resnet&input=4,1,128',
  ];

  it.each(CASES)('#%s shows the CLI figures', async (fragment) => {
    const page = await openPage(chromium.browser, fragment);
    const [f, doc] = await Promise.all([figures(page), cliJson(fragment)]);
    expect(f.error).toBe('');
    expect(f.params).toBe(withCommas(doc.totals.params));
    expect(f.macs).toBe(String(doc.totals.macs));
    expect(f.output).toBe(`[${doc.output.join(', ')}]`);
    expect(f.rows).toBe(String(doc.layers.length));
    await page.close();
  });

  it('ResNet-152 and the other torchvision presets show their published parameter counts', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet152&input=1,3,224,224');
    expect((await figures(page)).params).toBe('60,192,808');
    for (const [name, { params, gmacs }] of Object.entries(published.torchvision.models)) {
      await setFragment(page, `arch=${name}&input=1,3,224,224`);
      const f = await figures(page);
      expect(f.params, name).toBe(withCommas(params));
      expect(Number(f.macs) / 1e9, name).toBeCloseTo(gmacs, 3);
      expect(f.output, name).toBe('[1, 1000]');
    }
    for (const [name, params] of Object.entries(published.timm.models)) {
      await setFragment(page, `arch=${name}`);
      expect((await figures(page)).params, name).toBe(withCommas(params));
    }
    await page.close();
  });

  // invalid inputs, classes, presets and configs: the CLI's sentence, after its `error: `
  const INVALID = [
    'arch=resnet50&input=1,3,0,224',
    'arch=resnet50&input=1,3,224',
    'arch=resnet50&input=1,3,224,2.5',
    'arch=resnet50&classes=-1',
    'arch=resnet50&input=1,4,224,224',
    `config=${encodeURIComponent('{"extends":"resnet50","inChannels":4}')}&input=1,3,224,224`,
    'arch=resnet999',
    `config=${encodeURIComponent('{"block":"basic","layers":[2,-1,2,2]}')}`,
    `config=${encodeURIComponent('{"block":"basic",')}`,
    `config=${encodeURIComponent('{"extends":"resnet18","widths":[64,128]}')}`,
  ];

  it.each(INVALID)('#%s shows the CLI error sentence, and in plain words naming the control', async (fragment) => {
    const page = await openPage(chromium.browser, fragment);
    const f = await figures(page);
    const shown = (await page.textContent('[role="alert"][data-testid="problem"]'))!;
    expect(shown).toMatch(/^(Batch|Channels|Height|Width|Height and Width|Input|Classes|Preset|Config line \d+): /);
    expect(shown).not.toMatch(/option '|--|standard input/);
    const run = runCli(fragment, ['--format', 'json']);
    expect(run.code).toBe(2);
    const sentence = run.stderr.trim().replace(/^error: /, '');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(f.error).toBe(sentence);
    expect([f.params, f.macs, f.output, f.rows]).toEqual(['', null, '', '']);
    await page.close();
  });

  it('beside the height and width: the sizes the network takes; an input that fails: the nearest that work', async () => {
    // kuangliu's CIFAR ResNet-18: its fixed 4×4 pool must give 1×1, so layer4 must be 4 to 7: 25 to 56
    const page = await openPage(chromium.browser, 'arch=resnet18_cifar&input=1,3,32,40');
    expect(await page.textContent('[data-testid="sizes-hint"]')).toBe('Height 25–56 (at width 40) · width 25–56 (at height 32): the sizes this network takes');
    await page.fill('#height', '60');
    await expect.poll(() => page.textContent('[role="alert"][data-testid="problem"]'), { timeout: 5000 }).toContain('try 56, the largest that works below');
    expect(await page.textContent('[data-testid="sizes-hint"]')).toBe('');
    await page.close();
  });

  it("the height is named for input 1,3,0,224", async () => {
    const page = await openPage(chromium.browser, 'arch=resnet50&input=1,3,0,224');
    expect((await figures(page)).error).toContain('height');
    await page.close();
  });

  it("a clip's boxes: Frames, Height, Width; a signal's: Length; typed, each equal to the CLI", async () => {
    const page = await openPage(chromium.browser, 'arch=resnet18');
    const shown = () => page.evaluate(() => ['frames', 'height', 'width'].map((id) => !(globalThis as unknown as { document: { getElementById(i: string): { parentElement: { hidden: boolean } } } }).document.getElementById(id).parentElement.hidden));
    expect(await shown()).toEqual([false, true, true]);
    await page.selectOption('#arch', 'r3d_18');
    await settled(page);
    expect(await shown()).toEqual([true, true, true]);
    expect(await page.getAttribute('#frames', 'placeholder')).toBe('16');
    await page.fill('#frames', '8');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).location.hash)).toBe('#arch=r3d_18&input=1%2C3%2C8%2C112%2C112');
    const f = await figures(page);
    const doc = await cliJson('arch=r3d_18&input=1,3,8,112,112');
    expect([f.macs, f.output]).toEqual([String(doc.totals.macs), '[1, 400]']);
    await page.selectOption('#arch', 'resnet18_1d');
    await settled(page);
    expect(await shown()).toEqual([false, false, true]);
    expect(await page.textContent('#width-label')).toBe('Length');
    await page.fill('#width', '500');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).location.hash)).toBe('#arch=resnet18_1d&input=1%2C1%2C500');
    expect((await figures(page)).macs).toBe(String((await cliJson('arch=resnet18_1d&input=1,1,500')).totals.macs));
    await page.close();
  });

  it('the form: a preset chosen, the input typed, a config edited, each equal to the CLI', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet18');
    await page.selectOption('#arch', 'resnet101');
    await page.fill('#batch', '4');
    await page.fill('#height', '97');
    await page.fill('#width', '61');
    await page.fill('#classes', '21');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).location.hash)).toBe('#arch=resnet101&input=4%2C3%2C97%2C61&classes=21');
    let f = await figures(page);
    let doc = await cliJson('arch=resnet101&input=4,3,97,61&classes=21');
    expect([f.params, f.macs, f.output, f.rows]).toEqual([withCommas(doc.totals.params), String(doc.totals.macs), '[4, 21]', String(doc.layers.length)]);
    // the table's rows follow: the first conv and the classifier at the new input
    await settled(page);
    const cellsOf = (name: string) => page.locator('[data-testid="layers"] [role="row"]', { hasText: new RegExp(`^${name.replace('.', '\\.')}conv2d|^${name}linear`) });
    expect(await cellsOf('conv1').first().locator('[role="cell"]').nth(2).textContent()).toBe('[4, 64, 49, 31]');
    await page.fill('#batch', '5');
    await settled(page);
    expect(await cellsOf('conv1').first().locator('[role="cell"]').nth(2).textContent()).toBe('[5, 64, 49, 31]');
    expect(await cellsOf('fc').first().locator('[role="cell"]').nth(2).textContent()).toBe('[5, 21]');
    await page.fill('#batch', '4');
    // a typed mistake, then its correction
    await page.fill('#height', '0');
    expect((await figures(page)).error).toBe(
      (await cli(['--arch', 'resnet101', '--input', '4,3,0,61', '--classes', '21'])).stderr.trim().replace(/^error: /, ''),
    );
    await page.fill('#height', '97');
    expect((await figures(page)).error).toBe('');
    // editing the config turns the preset into a config
    await page.click('#config-box summary');
    await page.fill('#config', '{"extends": "resnet50", "groups": 32, "widthPerGroup": 4}');
    f = await figures(page);
    doc = await cliJson(`config=${encodeURIComponent('{"extends": "resnet50", "groups": 32, "widthPerGroup": 4}')}&input=4,3,97,61&classes=21`);
    expect(f.params).toBe(withCommas(doc.totals.params));
    expect(await page.inputValue('#arch')).toBe('');
    await page.fill('#config', '{"extends": "resnet50", "groups": 0}');
    expect((await figures(page)).error).toMatch(/^standard input: groups: /);
    await settled(page);
    expect(await page.getAttribute('#config', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#config-problem')).toMatch(/^line 1: groups: /);
    await page.close();
  });

  it('log, JSON and counts views hold exactly what the CLI prints', async () => {
    const fragment = 'arch=resnet50&input=10,3,224,224&classes=1';
    const page = await openPage(chromium.browser, `${fragment}&view=log`);
    const notes = readFileSync(join(REFERENCE, 'notes-resnet50-trace.txt'), 'utf8');
    const log = (await page.textContent('[data-testid="log"]'))!;
    expect(log).toBe(runCli(fragment, []).stdout);
    // the notes' rows, byte for byte
    expect(log.startsWith(notes.trimEnd().split('\n')[0]!)).toBe(true);
    await setFragment(page, `${fragment}&view=json`);
    expect(await page.textContent('[data-testid="json"]')).toBe(runCli(fragment, ['--format', 'json', '--fit', '24GiB']).stdout);
    await setFragment(page, `${fragment}&view=counts`);
    expect(await page.textContent('[data-testid="counts"]')).toBe(runCli(fragment, ['--format', 'counts']).stdout);
    await setFragment(page, `${fragment}&view=memory&optimizer=adam&dtype=bfloat16&gpu=80GB`);
    const memory = (await page.textContent('[data-testid="memory"]'))!;
    const table = runCli(fragment, ['--format', 'table', '--optimizer', 'adam', '--dtype', 'bfloat16', '--fit', '80GB']).stdout;
    for (const line of memory.split('\n')) expect(table).toContain(line);
    await page.close();
  });

  it('the table folds by stage and block', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet50');
    // every row laid out, so that what is visible is what the folds leave (not what is scrolled to)
    await page.addStyleTag({ content: '.group.block > .rows { content-visibility: visible !important; }' });
    const visible = () => page.locator('[data-testid="layers"] [role="row"]:not(.columns):visible').count();
    const all = await visible();
    // 175 rows, a heading for each of stem, 4 stages, 16 blocks and the head
    expect(all).toBe(175 + 1 + 4 + 16 + 1);
    await page.click('button[data-fold="layer3"]');
    // layer3's 6 blocks of 10 rows (the first has 2 more: its projection) and their 6 headings go
    expect(await visible()).toBe(all - (6 * 10 + 2) - 6);
    expect(await page.getAttribute('button[data-fold="layer3"]', 'aria-expanded')).toBe('false');
    await page.click('button[data-fold-all="stage"]');
    expect(await visible()).toBe(6);
    await page.click('button[data-fold-all="block"]');
    // the stem's 4 rows and the head's 3 are in no block
    expect(await visible()).toBe(6 + 16 + 4 + 3);
    await page.click('button[data-fold-all="none"]');
    expect(await visible()).toBe(all);
    await page.close();
  });

  // links that froze the tab for 9 to 35 s or crashed it: each answered in a sentence saying what
  // works, with nothing thrown (how long the page takes is the benchmark's to measure, not a test's)
  it.each([
    ['30,000 blocks', `config=${encodeURIComponent('{"block":"basic","layers":[30000]}')}`, /^the network has 210,007 rows; the page draws up to 10,000/],
    ['142,000 blocks', `config=${encodeURIComponent('{"block":"basic","layers":[142000]}')}`, /^the network has 994,007 rows; the page draws up to 10,000/],
    ['layers nested 45,000 deep', `config=${encodeURIComponent(`{"block":"basic","layers":${'['.repeat(45_000)}2${']'.repeat(45_000)}}`)}`, /^standard input: layers\[0\]: /],
  ] as const)('%s: answered in a sentence, nothing thrown', async (_, fragment, error) => {
    const page = await openPage(chromium.browser, fragment);
    expect((await figures(page)).error).toMatch(error);
    await page.close();
  });

  it('a large network is drawn in pieces: the table gets every row, the log and JSON the CLI\'s text', async () => {
    const fragment = 'arch=resnet1202_cifar';
    const page = await openPage(chromium.browser, fragment);
    const rows = page.locator('[data-testid="layers"] [role="cell"]:first-child');
    // 4,806 rows, drawn 600 a task after the first
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(4806);
    for (const view of ['log', 'json'] as const) {
      await setFragment(page, `${fragment}&view=${view}`);
      const expected = runCli(`${fragment}&view=${view}`, view === 'log' ? [] : ['--format', 'json', '--fit', '24GiB']).stdout;
      await expect.poll(() => page.textContent(`[data-testid="${view}"]`), { timeout: 20_000 }).toBe(expected);
    }
    await page.close();
  }, 60_000);

  // random hostile fragments: the page always answers (a trace or a sentence), throws nothing, and
  // puts no active character into the command it offers to copy
  it('random fragments: answered, nothing thrown, an inert command', async () => {
    const hostile = fc.constantFrom('\x1b[201~', '\u202e', '\r', '\n', "'", '"', '<script>', '&', '%', '#', '{', '[', '-1', '0', 'N', '1e308', '9'.repeat(30));
    const text = fc.array(fc.oneof(hostile, fc.string({ maxLength: 8 })), { maxLength: 6 }).map((p) => p.join(''));
    const value = fc.oneof(text, fc.json({ maxDepth: 3 }), fc.constantFrom('{"block":"basic","layers":[2,2]}', '{"extends":"resnet18","se":{"reduction":1}}'));
    const key = fc.constantFrom('arch', 'config', 'input', 'classes', 'view', 'gpu', 'count', 'depth', 'theme', 'dtype', 'x');
    const fragment = fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    const page = watch(await chromium.browser.newPage());
    await page.goto(`${PAGE_URL}#arch=resnet18`);
    await page.waitForSelector('html[data-traced="true"]');
    await fc.assert(
      fc.asyncProperty(fragment, async (f) => {
        await setFragment(page, f);
        const command = await page.inputValue('#command');
        expect(command).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/);
        const shown = await page.evaluate(() => {
          const d = (globalThis as unknown as PageGlobals).document;
          return { problem: d.querySelector('[data-testid="problem"]')?.textContent ?? '', params: d.querySelector('[data-testid="total-params"]')?.textContent ?? '' };
        });
        // a trace or a sentence saying why not
        expect(shown.problem !== '' || shown.params !== '').toBe(true);
        expect(consoleErrors).toEqual([]);
      }),
      { numRuns: Number(process.env['FRAGMENT_RUNS'] ?? 25) },
    );
    await page.close();
  }, 300_000);

  it('a long config: the command box shows the command cut, and "Copy as command" hands over all of it', async () => {
    // 20,000 pairs of U+202E and ESC: each written as an escape, a command of about 200,000 characters
    const config = '\u202e\x1b'.repeat(20_000);
    const page = watch(await chromium.browser.newPage());
    await page.addInitScript(() => {
      const w = globalThis as unknown as { copied?: string; navigator: { clipboard: unknown } };
      Object.defineProperty(w.navigator, 'clipboard', { value: { writeText: async (text: string) => void (w.copied = text) } });
    });
    await page.goto(`${PAGE_URL}#config=${encodeURIComponent(config)}`);
    await page.waitForSelector('html[data-traced="true"]');
    const whole = commandOf(stateFromFragment(`config=${encodeURIComponent(config)}`));
    const shown = await page.inputValue('#command');
    const [head, note] = shown.split(' … ');
    expect(note).toBe('(cut here: "Copy as command" copies the whole command)');
    expect(head!.length).toBe(4000);
    expect(whole.startsWith(head!)).toBe(true);
    await page.click('#copy');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { copied?: string }).copied)).toBe(whole);
    expect(whole).toBe(`printf '%s\\n' $'${'\\u202e\\x1b'.repeat(20_000)}' | resnet-shapes --config - --format table`);
    await page.close();
  });

  it('a diagram the page cannot lay out quickly is refused with what works, and Graphviz is not run', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet1202_cifar&view=diagram&depth=layer');
    const box = page.locator('[data-testid="diagram"]');
    await expect.poll(() => box.textContent(), { timeout: 5000 }).toMatch(/^The diagram would have [\d,]+ nodes; the page lays out up to 250 .*fold it by block or stage, or draw it with the command line/);
    expect(await page.locator('script[src="graphviz.js"]').count()).toBe(0);
    await page.close();
  });

  it('the diagram loads Graphviz only when opened, and draws an SVG', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet18');
    const requested = () => page.locator('script[src="graphviz.js"]').count();
    expect(await requested()).toBe(0);
    await page.click('#tab-diagram');
    await page.waitForSelector('[data-testid="diagram"] svg', { timeout: 20_000 });
    expect(await requested()).toBe(1);
    const text = (await page.textContent('[data-testid="diagram"] svg'))!;
    expect(text).toContain('layer4');
    await page.close();
  });

  it('Download JSON and Download ONNX save what the CLI writes for the command the page shows', async () => {
    const page = await openPage(chromium.browser, 'arch=resnext50_32x4d&input=N,3,97,61&classes=10&view=json');
    await settled(page);
    // the page's own command (its GPU budget is a --fit), without the words a shell needs quoted
    const command = await page.inputValue('#command');
    expect(command).toMatch(/^resnet-shapes [\w ,.=-]+$/);
    const args = command.split(' ').slice(1).filter((w) => w !== '--format' && w !== 'json');
    const saved = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
    };
    const json = await saved('#download');
    const onnx = await saved('#download-onnx');
    const cliJsonRun = await cli([...args, '--format', 'json']);
    const cliOnnxRun = await cli([...args.filter((w, i, all) => w !== '--fit' && all[i - 1] !== '--fit'), '--format', 'onnx']);
    expect(json.name).toBe('resnext50_32x4d-1x3x97x61.json');
    expect(json.bytes.toString('utf8')).toBe(cliJsonRun.stdout);
    expect(onnx.name).toBe('resnext50_32x4d-1x3x97x61.onnx');
    expect(onnx.bytes.equals(cliOnnxRun.bytes)).toBe(true);
    await page.close();
  });

  it('keyboard: the tabs move with the arrow keys', async () => {
    const page = await openPage(chromium.browser, 'arch=resnet18');
    await page.focus('#tab-table');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-log', 'aria-selected')).toBe('true');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('tab-log');
    await page.keyboard.press('End');
    expect(await page.getAttribute('#tab-counts', 'aria-selected')).toBe('true');
    expect(new URL(page.url()).hash).toContain('view=counts');
    await page.close();
  });

  it.each(['light', 'dark'] as const)('axe-core finds no serious or critical violation (%s)', async (scheme) => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    for (const fragment of ['arch=resnet50&input=10,3,224,224&classes=1', 'arch=resnet50&input=1,3,0,224', 'arch=resnet18&view=memory']) {
      const page = await openPage(chromium.browser, fragment, { colorScheme: scheme });
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        // no preload: axe would fetch the stylesheets, which a page from file:// may not (a console error)
        const result = await (globalThis as unknown as PageGlobals).axe.run({ preload: false });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
      });
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), fragment).toEqual([]);
      await page.close();
    }
  });

  it("a screenshot of the notes' ResNet-50 (10×3×224×224, 1 class)", async () => {
    const page = await openPage(chromium.browser, 'arch=resnet50&input=10,3,224,224&classes=1');
    const file = join(ARTIFACTS, 'web-resnet50.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    // the README's picture is this one, replaced on purpose
    if (process.env['UPDATE_SCREENSHOT']) copyFileSync(file, join(ROOT, 'test', 'screenshots', 'web-resnet50.png'));
    await page.close();
  });
});

describe('the built page', () => {
  it('its JavaScript, but for the lazily loaded Graphviz, is at most 150 KB gzipped', () => {
    const dir = join(ROOT, 'dist', 'web');
    const js = readdirSync(dir).filter((f) => f.endsWith('.js') && !f.includes('graphviz'));
    expect(js).toContain('app.js');
    const total = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
    expect(total).toBeLessThanOrEqual(150 * 1024);
  });

  it('its scripts are classic ones (Chromium runs no module script from file://)', () => {
    const index = readFileSync(join(ROOT, 'dist', 'web', 'index.html'), 'utf8');
    expect(index).not.toMatch(/type="module"/);
    expect(index).toMatch(/<script src="app\.js" defer><\/script>/);
  });

  it('resnet-shapes web serves it on 127.0.0.1 at a free port, and nothing else', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'resnet-shapes.js'), 'web'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await fetch(url);
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await index.text()).toContain('data-testid="total-params"');
      expect((await fetch(`${url}app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await fetch(`${url}..%2Fpackage.json`)).status).toBe(404);
      expect((await fetch(`${url}../../package.json`)).status).toBe(404);
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

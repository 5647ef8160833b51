// The web page: reads its state from the URL fragment and the form, has its worker (worker.ts)
// trace it with the same core as the CLI, and draws the summary and the chosen view from what the
// worker sends (present.ts): the page's own thread only draws, in pieces where a view is large, so
// it answers input whatever the link holds. Built into dist/web/app.js as a classic script, so the
// page works opened from disk (Chromium runs no module script there).

import pkg from '../../package.json' with { type: 'json' };
import { COUNT_NAMES } from '../analysis/counts.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { cutAt } from '../format/common.js';
import { PRESET_NAMES, presetConfig } from '../network/presets.js';
import type { LayoutAnswer, LayoutAsk } from './graphviz.js';
import type { Presented, TableData, RowGroup } from './present.js';
import { commandOf, DIAGRAM_DEPTHS, fragmentOf, stateFromFragment, THEMES, type PageState, type View } from './state.js';
import type { Answer, Ask } from './worker.js';

/**
 * The worker's script (worker.ts, bundled) as a data: URL, put here by the build: a page opened
 * from disk can start no worker from a file, and a Blob URL is registered through a synchronous
 * call to the browser, which blocked the page 6 s while the browser was busy with a 2 MB link.
 */
declare const WORKER_URL: string;

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

let state: PageState = stateFromFragment(location.hash);
/** What the worker sent for the state on screen. */
let shown: Presented | null = null;
/** Stages and blocks folded in the table (`layer2`, `layer2.0`). */
const folded = new Set<string>();
/**
 * How long the last trace and drawing took, for the benchmark script: from the request to the
 * laid-out page, of which the worker's time (`trace`), the time the answer waited to be read
 * (`wait`, including messages), and the page's own drawing (`view`).
 */
const timing = { firstTraceMs: -1, lastRenderMs: -1, renders: 0, parts: { trace: 0, wait: 0, view: 0 } };
(window as unknown as { resnetShapes: unknown }).resnetShapes = { timing, version: pkg.version };

// ---- the worker -----------------------------------------------------------------------------

/**
 * The worker and what it is asked: one request at a time, and of the requests to show a state
 * only the newest waits (typing asks on every key; the states typed past are never traced).
 */
const tracer = {
  worker: null as Worker | null,
  busy: false,
  queue: [] as Ask[],
  ids: 0,
  /** The newest request to show, and when it was made. */
  newest: 0,
  askedAt: 0,
  downloads: new Map<number, (data: string | Uint8Array | null) => void>(),
};

function startTracer(): Worker {
  const worker = new Worker(WORKER_URL);
  worker.onmessage = ({ data }: MessageEvent<Answer>) => {
    tracer.busy = false;
    pump();
    answered(data);
  };
  worker.onerror = (e) => {
    // the worker itself failed (out of memory, say): a new one takes the next request
    e.preventDefault();
    worker.terminate();
    tracer.worker = null;
    tracer.busy = false;
    answered({ id: tracer.newest, kind: 'bug', bug: e.message || 'the page\'s worker stopped', ms: 0 });
    pump();
  };
  return worker;
}

function ask(kind: Ask['kind'], s: PageState): number {
  const id = ++tracer.ids;
  if (kind === 'show') {
    tracer.newest = id;
    tracer.askedAt = performance.now();
    tracer.queue = tracer.queue.filter((q) => q.kind !== 'show');
    document.documentElement.dataset['pending'] = 'true';
  }
  tracer.queue.push({ id, kind, state: s });
  pump();
  return id;
}

function pump(): void {
  if (tracer.busy) return;
  const next = tracer.queue.shift();
  if (!next) return;
  tracer.worker ??= startTracer();
  tracer.busy = true;
  tracer.worker.postMessage(next);
}

function answered(a: Answer): void {
  if (a.kind === 'download') {
    tracer.downloads.get(a.id)?.(a.data);
    tracer.downloads.delete(a.id);
    return;
  }
  // an answer for a state typed past is dropped: the newest is on its way
  if (a.id !== tracer.newest) return;
  const received = performance.now();
  const presented: Presented =
    a.kind === 'show' ? a.shown : { ok: false, error: `internal error: ${a.bug}`, problem: `Internal error (a bug in resnet-shapes, please report it): ${a.bug}`, configLine: null };
  draw(presented);
  // the browser lays the page out before the time is read: what the user waits for
  void document.body.offsetHeight;
  const end = performance.now();
  timing.lastRenderMs = end - tracer.askedAt;
  timing.parts = { trace: a.ms, wait: received - tracer.askedAt - a.ms, view: end - received };
  delete document.documentElement.dataset['pending'];
  timing.renders++;
  if (timing.firstTraceMs < 0) {
    timing.firstTraceMs = performance.now();
    performance.mark('first-trace');
    document.documentElement.dataset['traced'] = 'true';
  }
}

// ---- state in, state out --------------------------------------------------------------------

function setState(next: Partial<PageState>): void {
  state = { ...state, ...next };
  const fragment = `#${fragmentOf(state)}`;
  if (location.hash !== fragment) history.replaceState(null, '', fragment);
  refresh();
}

/** The preset's own fields, as a config file would hold them: where editing starts. */
function presetText(name: string): string {
  const preset = presetConfig(name);
  if (!preset) return '';
  const { $schema: _schema, ...fields } = preset as unknown as Record<string, unknown>;
  return `${JSON.stringify(fields, null, 2)}\n`;
}

const DIMENSIONS = ['batch', 'channels', 'frames', 'height', 'width'] as const;
type Dimension = (typeof DIMENSIONS)[number];

/** The boxes an input of a rank fills: a clip's frames, height and width; a signal's length (the width box); an image's height and width. */
function boxesFor(rank: number): readonly Dimension[] {
  return rank === 5 ? DIMENSIONS : rank === 3 ? ['batch', 'channels', 'width'] : ['batch', 'channels', 'height', 'width'];
}

/** The boxes shown: those of the model's own input (its rank), as the last trace or the link said. */
let boxes: readonly Dimension[] = boxesFor(4);

/** Shows the boxes of an input of `rank` dimensions (the width box is a signal's Length). */
function showBoxes(rank: number): void {
  boxes = boxesFor(rank);
  for (const d of DIMENSIONS) (byId(d).parentElement as HTMLElement).hidden = !boxes.includes(d);
  byId('width-label').textContent = rank === 3 ? 'Length' : 'Width';
}

/** The longest config text the page shows opened: a text box lays all of its text out. */
const CONFIG_OPENED = 10_000;

/**
 * A value from the link as a one-line field shows it: at most FIELD_SHOWN characters (a field lays
 * all of its text out: 2 MB of digits blocked the page a second). The error names the whole.
 */
const FIELD_SHOWN = 1_000;
const fieldText = (text: string): string => (text.length <= FIELD_SHOWN ? text : text.slice(0, cutAt(text, FIELD_SHOWN)));

/** Puts the state into the form (after a load or a fragment change), without tracing. */
function fillForm(): void {
  const arch = byId<HTMLSelectElement>('arch');
  arch.value = state.config === null && PRESET_NAMES.includes(state.arch) ? state.arch : '';
  const config = byId<HTMLTextAreaElement>('config');
  config.value = state.config ?? presetText(state.arch);
  // a config from a link is shown, but for one too long to lay out at once (the box opens on a click)
  if (state.config !== null && state.config.length <= CONFIG_OPENED) byId<HTMLDetailsElement>('config-box').open = true;
  const parts = state.input === '' ? [] : state.input.split(/[,x×]/);
  if (parts.length === 3 || parts.length === 5) showBoxes(parts.length);
  const fits = parts.length === boxes.length;
  for (const d of DIMENSIONS) {
    const i = boxes.indexOf(d);
    byId<HTMLInputElement>(d).value = fieldText(i < 0 ? '' : fits ? parts[i]!.trim() : i === 0 ? state.input : '');
  }
  byId<HTMLInputElement>('classes').value = fieldText(state.classes);
  applyTheme();
}

/** The input the boxes shown say, an empty box taking the model's own figure. */
function inputFromFields(): string {
  return boxes.map((d) => {
    const el = byId<HTMLInputElement>(d);
    return el.value.trim() === '' ? el.placeholder : el.value.trim();
  }).join(',');
}

function wireForm(): void {
  const arch = byId<HTMLSelectElement>('arch');
  arch.innerHTML =
    '<option value="">custom config (edit below)</option>' +
    PRESET_NAMES.map((n) => `<option value="${html(n)}">${html(n)}</option>`).join('');
  arch.addEventListener('change', () => {
    if (arch.value === '') {
      byId<HTMLDetailsElement>('config-box').open = true;
      setState({ arch: '', config: byId<HTMLTextAreaElement>('config').value });
      return;
    }
    // a preset at its own input and classes
    setState({ arch: arch.value, config: null, input: '', classes: '' });
    fillForm();
  });
  const config = byId<HTMLTextAreaElement>('config');
  config.addEventListener('input', () => {
    arch.value = '';
    setState({ arch: '', config: config.value });
  });
  for (const d of DIMENSIONS) byId<HTMLInputElement>(d).addEventListener('input', () => setState({ input: inputFromFields() }));
  byId<HTMLInputElement>('classes').addEventListener('input', (e) => setState({ classes: (e.target as HTMLInputElement).value.trim() }));
  byId<HTMLFormElement>('form').addEventListener('submit', (e) => e.preventDefault());
  window.addEventListener('hashchange', () => {
    state = stateFromFragment(location.hash);
    fillForm();
    refresh();
  });
  byId('theme').addEventListener('click', () => {
    setState({ theme: THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length]! });
    applyTheme();
  });
  byId('copy').addEventListener('click', () => {
    const command = commandOf(state);
    const done = () => (byId('copied').textContent = 'Copied.');
    // where the page may not copy, the whole command is put in the box and selected
    const select = () => {
      const box = byId<HTMLInputElement>('command');
      box.value = command;
      box.select();
      byId('copied').textContent = 'Selected: copy it with Ctrl+C.';
    };
    if (navigator.clipboard) navigator.clipboard.writeText(command).then(done, select);
    else select();
  });
  const download = (kind: 'download' | 'download-onnx', type: string, extension: string) => () => {
    if (!shown?.ok) return;
    const name = shown.download.replace(/\.json$/, extension);
    tracer.downloads.set(ask(kind, state), (data) => {
      if (data === null) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([data as BlobPart], { type }));
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    });
  };
  byId('download').addEventListener('click', download('download', 'application/json', '.json'));
  byId('download-onnx').addEventListener('click', download('download-onnx', 'application/octet-stream', '.onnx'));
  wireTabs();
}

function wireTabs(): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => setState({ view: tab.dataset['view'] as View }));
    tab.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      const to = e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : (tabs.indexOf(tab) + step + tabs.length) % tabs.length;
      if (step === 0 && e.key !== 'Home' && e.key !== 'End') return;
      e.preventDefault();
      tabs[to]!.focus();
      setState({ view: tabs[to]!.dataset['view'] as View });
    });
  }
}

function applyTheme(): void {
  const root = document.documentElement;
  if (state.theme === 'auto') delete root.dataset['theme'];
  else root.dataset['theme'] = state.theme;
  const button = byId('theme');
  button.textContent = `Theme: ${state.theme}`;
  button.setAttribute('aria-label', `Colour theme: ${state.theme} (change)`);
}


/**
 * The most characters the command box shows: a one-line box lays all of its text out, and a
 * 2 MB command (a link's config) blocked the page 1.5 s in Chromium on this project's machine.
 * A longer command is shown cut, saying so; "Copy as command" copies all of it.
 */
const COMMAND_SHOWN = 4_000;

function showCommand(): void {
  const command = commandOf(state, COMMAND_SHOWN);
  byId<HTMLInputElement>('command').value =
    command.length <= COMMAND_SHOWN ? command : `${command.slice(0, cutAt(command, COMMAND_SHOWN))} … (cut here: "Copy as command" copies the whole command)`;
}

// ---- drawing --------------------------------------------------------------------------------

/** The state asked of the worker: the command is the state's own, shown at once. */
function refresh(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    const selected = tab.dataset['view'] === state.view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  showCommand();
  byId('copied').textContent = '';
  ask('show', state);
}

function draw(p: Presented): void {
  shown = p;
  drawSummary(p);
  drawView(p);
}

const SUMMARY_IDS = ['total-params', 'total-macs', 'output-shape', 'layer-count', 'receptive-field'] as const;

function drawSummary(p: Presented): void {
  // the CLI's sentence for scripts, the same in plain words for a person
  byId('error').textContent = p.ok ? '' : p.error;
  byId('problem').textContent = p.ok ? '' : p.problem;
  const config = byId<HTMLTextAreaElement>('config');
  const problem = !p.ok && p.configLine !== null;
  config.setAttribute('aria-invalid', String(problem));
  byId('config-problem').textContent = problem ? `line ${p.configLine}: ${p.error.replace(/^standard input: /, '')}` : '';
  const invalidInput = !p.ok && /^option '-i, --input/.test(p.error);
  for (const d of DIMENSIONS) byId(d).setAttribute('aria-invalid', String(invalidInput));
  byId('classes').setAttribute('aria-invalid', String(!p.ok && /^option '-k, --classes/.test(p.error)));
  const macs = byId('total-macs');
  byId('warnings').innerHTML = p.ok ? p.summary.warnings.map((w) => `<li>${html(w)}</li>`).join('') : '';
  if (!p.ok) {
    for (const id of SUMMARY_IDS) byId(id).textContent = '';
    // the error names the nearest sizes that work; the last ranges shown may no longer hold
    byId('sizes-hint').textContent = '';
    macs.removeAttribute('data-value');
    return;
  }
  const s = p.summary;
  // the model's own input shows as the fields' placeholders
  if (s.placeholders.length !== boxes.length) showBoxes(s.placeholders.length);
  boxes.forEach((d, i) => (byId<HTMLInputElement>(d).placeholder = s.placeholders[i] ?? ''));
  byId<HTMLInputElement>('classes').placeholder = s.classes;
  byId('total-params').textContent = s.params;
  macs.textContent = s.macs;
  macs.dataset['value'] = s.macsValue;
  macs.title = s.macsTitle;
  byId('output-shape').textContent = s.output;
  byId('layer-count').textContent = s.rows;
  byId('receptive-field').textContent = s.receptiveField;
  byId('sizes-hint').textContent = s.sizes;
}

type Shown = Extract<Presented, { ok: true }>;

function drawView(p: Presented): void {
  const panel = byId('panel');
  // a view drawn in pieces stops when another is drawn
  drawing++;
  drawingFlag(false);
  panel.setAttribute('aria-labelledby', `tab-${state.view}`);
  if (!p.ok) {
    panel.innerHTML = '<p class="muted">Nothing to show until the model and the input are valid (see the error above).</p>';
    return;
  }
  VIEW_DRAWERS[state.view](panel, p);
}

/** Which drawing of a view is under way: a newer one stops the previous one's later tasks. */
let drawing = 0;

/** `<html data-drawing>` while a view is still being drawn after its first piece (for scripts). */
const drawingFlag = (on: boolean): void => {
  if (on) document.documentElement.dataset['drawing'] = 'true';
  else delete document.documentElement.dataset['drawing'];
};

/**
 * Runs `step` (now, or from the next task with `later`) and then in later tasks, one a task, until
 * it says it is done or another view is drawn: a large view draws in pieces, and the page answers
 * input between them.
 */
function inTasks(step: () => boolean, later = false): void {
  const mine = drawing;
  const run = () => {
    if (mine !== drawing) return;
    if (step()) drawingFlag(false);
    else setTimeout(run, 0);
  };
  drawingFlag(true);
  if (later) setTimeout(run, 0);
  else run();
}

/** The most characters of a text view put on screen in one task (ResNet-50's JSON is 110,000). */
const TEXT_AT_ONCE = 200_000;

/** Lines in a piece of a long text: each piece is a box the browser lays out only when it is seen. */
const PIECE_LINES = 500;

/**
 * A text view's text: at once up to TEXT_AT_ONCE characters; a longer one in pieces of whole
 * lines, each in its own box (`content-visibility: auto`, so that adding one lays out only it), a
 * few tens of milliseconds of them a task, so that the page answers input between them. The
 * text is the same: a script reads the element's textContent once the page is drawn.
 */
function fillText(pre: HTMLElement, text: string): void {
  if (text.length <= TEXT_AT_ONCE) {
    pre.textContent = text;
    return;
  }
  let at = 0;
  inTasks(() => {
    const start = performance.now();
    let pieces = '';
    while (at < text.length && performance.now() - start <= 15) {
      let end = at;
      let lines = 0;
      for (; lines < PIECE_LINES && end < text.length; lines++) {
        const cut = text.indexOf('\n', end);
        end = cut < 0 ? text.length : cut + 1;
      }
      // a line of the view is about 1.2em high
      pieces += `<div class="piece" style="contain-intrinsic-size: auto ${(lines * 1.2).toFixed(1)}em">${html(text.slice(at, end))}</div>`;
      at = end;
    }
    pre.insertAdjacentHTML('beforeend', pieces);
    return at >= text.length;
  });
}

const textOf = (p: Shown): string => (p.view.kind === 'text' ? p.view.text : '');

const VIEW_DRAWERS: Record<View, (panel: HTMLElement, p: Shown) => void> = {
  table: drawTable,
  log: (panel, p) => {
    panel.innerHTML = `<p class="muted small">The notes' per-layer trace: Paddle's layer names, output, weight and bias shapes (<code>--format log</code>).</p><pre data-testid="log"></pre>`;
    fillText(panel.querySelector('pre')!, textOf(p));
  },
  json: (panel, p) => {
    panel.innerHTML = `<p class="muted small">The trace document (<code>--format json</code>, schemaVersion 1; its JSON Schema: <code>resnet-shapes schema trace</code>). Download it with the button above.</p><pre data-testid="json"></pre>`;
    fillText(panel.querySelector('pre')!, textOf(p));
  },
  diagram: drawDiagram,
  memory: (panel, p) => {
    panel.innerHTML =
      `<div class="tools">${selectHtml('dtype', 'Activations', DTYPES, state.dtype)}${selectHtml('optimizer', 'Optimizer', OPTIMIZERS, state.optimizer)}` +
      `${selectHtml('mode', 'Fit', MEMORY_MODES, state.mode, { train: 'a training step', infer: 'inference' })}` +
      `<label for="set-gpu">GPU memory</label> <input id="set-gpu" value="${html(fieldText(state.gpu))}" size="8" list="gpus"><datalist id="gpus"><option value="8GiB"><option value="12GiB"><option value="16GiB"><option value="24GiB"><option value="40GB"><option value="48GiB"><option value="80GB"></datalist></div>` +
      `<pre data-testid="memory">${html(textOf(p))}</pre>` +
      `<p class="muted small">A model of what PyTorch's CUDA caching allocator holds (see the README, "Memory"): weights, gradients, optimizer state, the activations autograd keeps, and the peak of each phase.</p>`;
    for (const key of ['dtype', 'optimizer', 'mode'] as const) wireSelect(panel, key);
    const gpu = panel.querySelector<HTMLInputElement>('#set-gpu')!;
    gpu.addEventListener('change', () => setState({ gpu: gpu.value }));
  },
  counts: (panel, p) => {
    panel.innerHTML = `${selectHtml('count', 'Table column: count as', ['', ...COUNT_NAMES], state.count, { '': 'torchvision (mult-adds)' })}<pre data-testid="counts">${html(textOf(p))}</pre>`;
    wireSelect(panel, 'count');
  },
};

function selectHtml(key: string, label: string, choices: readonly string[], value: string, names: Record<string, string> = {}): string {
  const options = choices.map((c) => `<option value="${html(c)}"${c === value ? ' selected' : ''}>${html(names[c] ?? c)}</option>`).join('');
  return `<label for="set-${key}">${html(label)}</label> <select id="set-${key}" data-key="${key}">${options}</select>`;
}

function wireSelect(panel: HTMLElement, key: keyof PageState): void {
  panel.querySelector<HTMLSelectElement>(`#set-${key}`)?.addEventListener('change', (e) => setState({ [key]: (e.target as HTMLSelectElement).value }));
}

/** The table on screen: what it was drawn for, and its cells and group figures in order. */
let drawnTable: { key: string; cells: HTMLElement[]; figures: HTMLElement[] } | null = null;

/**
 * Rows drawn at once: a larger table draws the rest in later tasks, TABLE_ROWS_A_TASK at a time
 * (measured in Chromium on this project's machine, 3,500 rows drawn at once blocked the page 0.56 s,
 * 14,000 rows 1.4 s; with 300 rows a task, a key pressed meanwhile waited up to 0.33 s for its
 * paint, the rows' style and layout included).
 */
const TABLE_ROWS_AT_ONCE = 300;
const TABLE_ROWS_A_TASK = 100;

/**
 * The table as a grid of rows (ARIA table roles): each block's rows in a box the browser lays out
 * only when it scrolls into view (`content-visibility: auto`), so a 500-row ResNet-152 redraws
 * within an edit's budget. Columns are as wide as their longest cell, in `ch` (monospace).
 */
function drawTable(panel: HTMLElement, p: Shown): void {
  if (p.view.kind !== 'table') return;
  const t: TableData = p.view.table;
  const groupFigures = new Map<string, string>();
  for (const g of t.groups) {
    groupFigures.set(g.key, g.figures);
    for (const b of g.blocks ?? []) groupFigures.set(b.key, b.figures);
  }
  // the same network and columns as drawn: only figures change, so the rows are kept and their texts set
  if (drawnTable && drawnTable.key === t.key && panel.contains(drawnTable.cells[0] ?? null)) {
    const flat = t.cells.flat();
    drawnTable.cells.forEach((el, i) => {
      if (el.textContent !== flat[i]) el.textContent = flat[i]!;
    });
    for (const span of drawnTable.figures) span.textContent = groupFigures.get(span.dataset['group']!) ?? '';
    return;
  }
  const aligns = t.right.map((r) => (r ? ' num' : ''));
  const head = t.headings.map((h, k) => `<div role="columnheader" class="cell${aligns[k]}">${html(h)}</div>`).join('');
  const heading = (g: RowGroup) =>
    `<div role="row" class="head"><div role="rowheader" class="span"><button type="button" data-fold="${html(g.key)}" aria-expanded="${!folded.has(g.key)}">${html(g.label)}</button><span class="figs" data-group="${html(g.key)}">${html(g.figures)}</span></div></div>`;
  const row = (i: number) => `<div role="row">${t.cells[i]!.map((c, k) => `<div role="cell" class="cell${aligns[k]}">${html(c)}</div>`).join('')}</div>`;
  const groupHtml = (g: RowGroup, inner: string, block: boolean) =>
    `<div class="group${block ? ' block' : ''}${folded.has(g.key) ? ' folded' : ''}" data-key="${html(g.key)}">${heading(g)}<div class="rows"${block ? ` style="contain-intrinsic-size: auto ${(g.end - g.first) * 1.6}em"` : ''}>${inner}</div></div>`;
  const rowsOf = (g: RowGroup) => {
    let h = '';
    for (let j = g.first; j < g.end; j++) h += row(j);
    return h;
  };
  // the blocks past the first few hundred rows are drawn into their stage later, a few hundred rows a task
  const later: { stage: string; block: RowGroup }[] = [];
  const deferring = t.cells.length > TABLE_ROWS_AT_ONCE;
  let drawnRows = 0;
  const out: string[] = [];
  for (const g of t.groups) {
    if (g.blocks === null) {
      out.push(groupHtml(g, rowsOf(g), false));
      continue;
    }
    let inner = '';
    for (const b of g.blocks) {
      if (deferring && drawnRows >= TABLE_ROWS_AT_ONCE) later.push({ stage: g.key, block: b });
      else {
        inner += groupHtml(b, rowsOf(b), true);
        drawnRows += b.end - b.first;
      }
    }
    out.push(groupHtml(g, inner, false));
  }
  panel.innerHTML =
    `<div class="tools"><button type="button" data-fold-all="none">Expand all</button><button type="button" data-fold-all="block">Fold blocks</button><button type="button" data-fold-all="stage">Fold stages</button>` +
    `${selectHtml('count', 'Count column', ['', ...COUNT_NAMES], state.count, { '': 'none' })}</div>` +
    `<div class="table-wrap" role="table" data-testid="layers" aria-label="${html(t.label)}" aria-rowcount="${t.cells.length}" style="--columns: ${t.widths.map((w) => `${w + 2}ch`).join(' ')}">` +
    `<div class="columns" role="row">${head}</div>${out.join('')}</div>`;
  wireSelect(panel, 'count');
  const finish = () => {
    drawnTable = { key: t.key, cells: [...panel.querySelectorAll<HTMLElement>('[role="cell"]')], figures: [...panel.querySelectorAll<HTMLElement>('.figs')] };
  };
  drawnTable = null;
  if (later.length === 0) finish();
  else {
    const stages = new Map([...panel.querySelectorAll<HTMLElement>('.group:not(.block)')].map((el) => [el.dataset['key']!, el.querySelector(':scope > .rows')!]));
    let next = 0;
    // from the next task: the rows drawn at once are laid out first
    inTasks(() => {
      for (let rows = 0; next < later.length && rows < TABLE_ROWS_A_TASK; ) {
        const { stage, block } = later[next++]!;
        stages.get(stage)?.insertAdjacentHTML('beforeend', groupHtml(block, rowsOf(block), true));
        rows += block.end - block.first;
      }
      if (next < later.length) return false;
      finish();
      return true;
    }, true);
  }
  const fold = (key: string, on: boolean) => {
    if (on) folded.add(key);
    else folded.delete(key);
    const group = panel.querySelector<HTMLElement>(`.group[data-key="${CSS.escape(key)}"]`);
    group?.classList.toggle('folded', on);
    group?.querySelector(':scope > .head button')?.setAttribute('aria-expanded', String(!on));
  };
  panel.querySelector('.table-wrap')!.addEventListener('click', (e) => {
    const key = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-fold]')?.dataset['fold'];
    if (key) fold(key, !folded.has(key));
  });
  for (const button of panel.querySelectorAll<HTMLButtonElement>('[data-fold-all]')) {
    button.addEventListener('click', () => {
      for (const key of [...folded]) fold(key, false);
      const level = button.dataset['foldAll'];
      const groups = panel.querySelectorAll<HTMLElement>(level === 'block' ? '.group.block' : '.group:not(.block)');
      if (level !== 'none') for (const g of groups) fold(g.dataset['key']!, true);
    });
  }
}

/** The layout worker (graphviz.ts): graphviz.js, holding its data: URL, is loaded the first time a diagram is drawn. */
const layouts = { url: null as Promise<string> | null, worker: null as Worker | null, busy: false, id: 0 };

function graphvizUrl(): Promise<string> {
  layouts.url ??= new Promise<string>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'graphviz.js';
    script.onload = () => {
      const url = (window as unknown as { resnetShapesGraphviz?: unknown }).resnetShapesGraphviz;
      if (typeof url === 'string') resolve(url);
      else reject(new Error('graphviz.js did not define its worker'));
    };
    script.onerror = () => reject(new Error('graphviz.js could not be loaded'));
    document.head.append(script);
  });
  return layouts.url;
}

/** Lays a DOT text out into SVG in the layout worker; a layout still running for another diagram is stopped. */
async function layout(dot: string): Promise<string> {
  const url = await graphvizUrl();
  if (layouts.busy) {
    layouts.worker?.terminate();
    layouts.worker = null;
  }
  const worker = (layouts.worker ??= new Worker(url));
  const id = ++layouts.id;
  layouts.busy = true;
  return new Promise<string>((resolve, reject) => {
    worker.onmessage = ({ data }: MessageEvent<LayoutAnswer>) => {
      if (data.id !== id) return;
      layouts.busy = false;
      if ('svg' in data) resolve(data.svg);
      else reject(new Error(`Graphviz could not lay this diagram out (${data.error}): fold it by stage, or draw it with the command line.`));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      if (layouts.worker === worker) layouts.worker = null;
      layouts.busy = false;
      reject(new Error(`Graphviz stopped (${e.message}): fold the diagram by stage, or draw it with the command line.`));
    };
    worker.postMessage({ id, dot } satisfies LayoutAsk);
  });
}

function drawDiagram(panel: HTMLElement, p: Shown): void {
  if (p.view.kind !== 'diagram') return;
  const view = p.view;
  panel.innerHTML =
    `<div class="tools">${selectHtml('depth', 'Fold by', DIAGRAM_DEPTHS, state.depth)}</div>` +
    `<div class="diagram" data-testid="diagram" aria-live="polite"><p class="muted">Drawing with Graphviz…</p></div>` +
    `<details><summary>DOT source (<code>--format dot</code>)</summary><pre data-testid="dot"></pre></details>`;
  wireSelect(panel, 'depth');
  const box = panel.querySelector<HTMLElement>('.diagram')!;
  if (view.dot === null) {
    box.innerHTML = `<p class="problem">${html(view.refused)}</p>`;
    return;
  }
  panel.querySelector('pre')!.textContent = view.dot;
  const mine = drawing;
  drawingFlag(true);
  layout(view.dot).then(
    (svg) => {
      if (mine !== drawing) return;
      drawingFlag(false);
      box.innerHTML = svg;
      const el = box.querySelector('svg');
      el?.setAttribute('role', 'img');
      el?.setAttribute('aria-label', `Diagram of ${view.name} by ${state.depth}`);
    },
    (e: Error) => {
      if (mine !== drawing) return;
      drawingFlag(false);
      box.innerHTML = `<p class="problem">${html(e.message)}</p>`;
    },
  );
}

// ---- start ----------------------------------------------------------------------------------

function start(): void {
  performance.mark('page-start');
  // the worker starts first: it boots while the page wires its form
  tracer.worker = startTracer();
  byId('version').textContent = pkg.version;
  wireForm();
  fillForm();
  refresh();
  performance.mark('page-ready');
}

start();

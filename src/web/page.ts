// The web page: reads its state from the URL fragment and the form, traces with the same core as
// the CLI (state.ts), and draws the summary and the chosen view. Built into dist/web/app.js as a
// classic script, so the page works opened from disk (Chromium runs no module script there).

import pkg from '../../package.json' with { type: 'json' };
import { COUNT_NAMES } from '../analysis/counts.js';
import { groupTrace, type Group } from '../analysis/groups.js';
import { DTYPES, MEMORY_MODES, OPTIMIZERS } from '../analysis/memory.js';
import { finalReceptiveField } from '../analysis/receptive.js';
import { warningsOf } from '../analysis/analyze.js';
import { metric, perSample, shapeText, shortcutLabel } from '../format/common.js';
import { FORMATS, formatAnalysis } from '../format/formats.js';
import { formatDot } from '../format/diagram.js';
import { buildGraph, graphSize, MAX_DIAGRAM_NODES } from '../format/graph.js';
import { fitLine, memoryLines } from '../format/memory.js';
import { COLUMNS, type Column, type TableContext } from '../format/table.js';
import { groupDigits } from '../int.js';
import { PRESET_NAMES, presetConfig } from '../network/presets.js';
import { inputText, parseInput } from '../request.js';
import { sameSection, type Trace } from '../types.js';
import {
  commandOf,
  errorForPerson,
  DIAGRAM_DEPTHS,
  fragmentOf,
  stateFromFragment,
  THEMES,
  traceState,
  type Outcome,
  type PageState,
  type View,
} from './state.js';

const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

let state: PageState = stateFromFragment(location.hash);
let outcome: Outcome | null = null;
/** Stages and blocks folded in the table (`layer2`, `layer2.0`). */
const folded = new Set<string>();
/** How long the last trace and drawing took, for the benchmark script. */
const timing = { firstTraceMs: -1, lastRenderMs: -1, renders: 0, parts: { trace: 0, summary: 0, view: 0, layout: 0 } };
(window as unknown as { resnetShapes: unknown }).resnetShapes = { timing, version: pkg.version };

// ---- state in, state out --------------------------------------------------------------------

function setState(next: Partial<PageState>): void {
  state = { ...state, ...next };
  const fragment = `#${fragmentOf(state)}`;
  if (location.hash !== fragment) history.replaceState(null, '', fragment);
  render();
}

/** The preset's own fields, as a config file would hold them: where editing starts. */
function presetText(name: string): string {
  const preset = presetConfig(name);
  if (!preset) return '';
  const { $schema: _schema, ...fields } = preset as unknown as Record<string, unknown>;
  return `${JSON.stringify(fields, null, 2)}\n`;
}

const DIMENSIONS = ['batch', 'channels', 'height', 'width'] as const;

/** Puts the state into the form (after a load or a fragment change), without tracing. */
function fillForm(): void {
  const arch = byId<HTMLSelectElement>('arch');
  arch.value = state.config === null && PRESET_NAMES.includes(state.arch) ? state.arch : '';
  const config = byId<HTMLTextAreaElement>('config');
  config.value = state.config ?? presetText(state.arch);
  if (state.config !== null) byId<HTMLDetailsElement>('config-box').open = true;
  const parts = state.input === '' ? [] : state.input.split(/[,x×]/);
  DIMENSIONS.forEach((d, i) => {
    byId<HTMLInputElement>(d).value = parts.length === 4 ? parts[i]!.trim() : i === 0 ? state.input : '';
  });
  byId<HTMLInputElement>('classes').value = state.classes;
  applyTheme();
}

/** The input the four fields say, an empty field taking the model's own figure. */
function inputFromFields(): string {
  return DIMENSIONS.map((d) => {
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
    render();
  });
  byId('theme').addEventListener('click', () => {
    setState({ theme: THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length]! });
    applyTheme();
  });
  byId('copy').addEventListener('click', () => {
    const command = commandOf(state);
    const done = () => (byId('copied').textContent = 'Copied.');
    navigator.clipboard?.writeText(command).then(done, () => {
      byId<HTMLInputElement>('command').select();
      byId('copied').textContent = 'Selected: copy it with Ctrl+C.';
    }) ?? byId<HTMLInputElement>('command').select();
  });
  byId('download').addEventListener('click', () => {
    if (!outcome?.ok) return;
    const blob = new Blob([formatAnalysis(outcome.analysis, 'json')], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${outcome.config.name}-${outcome.input.shape.join('x')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
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

// ---- drawing --------------------------------------------------------------------------------

function render(): void {
  const start = performance.now();
  outcome = traceState(state);
  const traced = performance.now();
  drawSummary(outcome);
  const summarized = performance.now();
  drawView(outcome);
  byId<HTMLInputElement>('command').value = commandOf(state);
  byId('copied').textContent = '';
  const drawn = performance.now();
  // the browser lays the page out before the time is read: what the user waits for
  void document.body.offsetHeight;
  const end = performance.now();
  timing.lastRenderMs = end - start;
  timing.parts = { trace: traced - start, summary: summarized - traced, view: drawn - summarized, layout: end - drawn };
  timing.renders++;
  if (timing.firstTraceMs < 0) {
    timing.firstTraceMs = performance.now();
    performance.mark('first-trace');
    document.documentElement.dataset['traced'] = 'true';
  }
}

function drawSummary(o: Outcome): void {
  // the CLI's sentence for scripts, the same in plain words for a person
  byId('error').textContent = o.ok ? '' : o.error;
  byId('problem').textContent = o.ok ? '' : errorForPerson(o.error, o.configLine);
  const config = byId<HTMLTextAreaElement>('config');
  const problem = !o.ok && o.configLine !== null;
  config.setAttribute('aria-invalid', String(problem));
  byId('config-problem').textContent = problem ? `line ${o.configLine}: ${o.error.replace(/^standard input: /, '')}` : '';
  const invalidInput = !o.ok && /^option '-i, --input/.test(o.error);
  for (const d of DIMENSIONS) byId(d).setAttribute('aria-invalid', String(invalidInput));
  byId('classes').setAttribute('aria-invalid', String(!o.ok && /^option '-k, --classes/.test(o.error)));
  const params = byId('total-params');
  const macs = byId('total-macs');
  const warnings = byId('warnings');
  warnings.innerHTML = o.ok ? warningsOf(o.analysis).map((w) => `<li>warning: ${html(`${w.path} ${w.message}`)}</li>`).join('') : '';
  if (!o.ok) {
    for (const id of ['total-params', 'total-macs', 'output-shape', 'layer-count', 'receptive-field']) byId(id).textContent = '';
    macs.removeAttribute('data-value');
    return;
  }
  const { trace } = o.analysis;
  // the model's own input shows as the fields' placeholders
  const own = parseInput(inputText(o.input));
  DIMENSIONS.forEach((d, i) => (byId<HTMLInputElement>(d).placeholder = i === 0 && own.symbolicBatch ? 'N' : String(own.shape[i])));
  byId<HTMLInputElement>('classes').placeholder = String(o.config.classes);
  params.textContent = groupDigits(trace.totals.params);
  macs.textContent = `${metric(trace.totals.macs)}MACs${perSample(trace)}`;
  macs.dataset['value'] = String(trace.totals.macs);
  macs.title = `${groupDigits(trace.totals.macs)} mult-adds${perSample(trace)} (torchvision's convention; FLOPs = 2 × mult-adds)`;
  byId('output-shape').textContent = shapeText(trace.output, trace.symbolicBatch);
  byId('layer-count').textContent = String(trace.layers.length);
  const rf = finalReceptiveField(trace.layers);
  byId('receptive-field').textContent = rf ? `${rf.size} px, stride ${rf.stride}` : '—';
}

function drawView(o: Outcome): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    const selected = tab.dataset['view'] === state.view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  const panel = byId('panel');
  // a view drawn in pieces stops when another is drawn
  drawing++;
  panel.setAttribute('aria-labelledby', `tab-${state.view}`);
  if (!o.ok) {
    panel.innerHTML = '<p class="muted">Nothing to show until the model and the input are valid (see the error above).</p>';
    return;
  }
  VIEW_DRAWERS[state.view](panel, o);
}

type Traced = Extract<Outcome, { ok: true }>;

/** Which drawing of a view is under way: a newer one stops the previous one's later tasks. */
let drawing = 0;

/**
 * Runs `step` (now, or from the next task with `later`) and then in later tasks, one a task, until
 * it says it is done or another view is drawn: a large view draws in pieces, and the page answers
 * input between them.
 */
function inTasks(step: () => boolean, later = false): void {
  const mine = drawing;
  const run = () => {
    if (mine === drawing && !step()) setTimeout(run, 0);
  };
  if (later) setTimeout(run, 0);
  else run();
}

/**
 * A text view's text, from its format's pieces: at once for a network of a few hundred rows,
 * otherwise a few tens of milliseconds of pieces a task, so that the page answers input between
 * them (the text is the same; a script waits for the whole as for any view).
 */
function fillText(pre: HTMLElement, pieces: Iterable<string>, rows: number): void {
  if (rows <= TABLE_ROWS_AT_ONCE) {
    let text = '';
    for (const piece of pieces) text += piece;
    pre.textContent = text;
    return;
  }
  const iterator = pieces[Symbol.iterator]();
  inTasks(() => {
    const start = performance.now();
    let text = '';
    let next = iterator.next();
    for (; !next.done && performance.now() - start <= 30; next = iterator.next()) text += next.value;
    if (!next.done) text += next.value;
    pre.append(text);
    return next.done === true;
  });
}

const VIEW_DRAWERS: Record<View, (panel: HTMLElement, o: Traced) => void> = {
  table: drawTable,
  log: (panel, o) => {
    panel.innerHTML = `<p class="muted small">The notes' per-layer trace: Paddle's layer names, output, weight and bias shapes (<code>--format log</code>).</p><pre data-testid="log"></pre>`;
    fillText(panel.querySelector('pre')!, FORMATS.log(o.analysis, {}), o.analysis.trace.layers.length);
  },
  json: (panel, o) => {
    panel.innerHTML = `<p class="muted small">The trace document (<code>--format json</code>, schemaVersion 1; its JSON Schema: <code>resnet-shapes schema trace</code>). Download it with the button above.</p><pre data-testid="json"></pre>`;
    fillText(panel.querySelector('pre')!, FORMATS.json(o.analysis), o.analysis.trace.layers.length);
  },
  diagram: drawDiagram,
  memory: drawMemory,
  counts: (panel, o) => {
    panel.innerHTML = `${selectHtml('count', 'Table column: count as', ['', ...COUNT_NAMES], state.count, { '': 'torchvision (mult-adds)' })}<pre data-testid="counts">${html(formatAnalysis(o.analysis, 'counts'))}</pre>`;
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
 * Rows drawn in one task: a larger table draws the rest in later tasks (measured in Chromium on
 * this project's machine, 3,500 rows drawn at once blocked the page 0.56 s, 14,000 rows 1.4 s).
 */
const TABLE_ROWS_AT_ONCE = 600;

const TABLE_COLUMNS: readonly Column['name'][] = ['name', 'type', 'output', 'weight', 'bias', 'params', 'macs', 'count', 'rf', 'stride'];

/**
 * The table as a grid of rows (ARIA table roles): each block's rows in a box the browser lays out
 * only when it scrolls into view (`content-visibility: auto`), so a 500-row ResNet-152 redraws
 * within an edit's budget. Columns are as wide as their longest cell, in `ch` (monospace).
 */
function drawTable(panel: HTMLElement, o: Traced): void {
  const a = o.analysis;
  const { trace } = a;
  const count = a.count;
  const columns = COLUMNS.filter((c) => TABLE_COLUMNS.includes(c.name) && (c.name !== 'count' || count));
  const context: TableContext = { receptiveFields: a.receptiveFields, count: count ? (i) => a.counts.row(count, i) : undefined };
  const headings = columns.map((c) => (c.name === 'count' ? `Count (${count})` : c.heading));
  const widths = headings.map((h) => h.length);
  const cells = trace.layers.map((layer, i) =>
    columns.map((c, k) => {
      const text = c.cell(layer, i, trace, context);
      if (text.length > widths[k]!) widths[k] = text.length;
      return text;
    }),
  );
  const stages = new Map(groupTrace(trace, 'stage').map((g) => [g.name, g]));
  const blocks = new Map(groupTrace(trace, 'block').map((g) => [g.name, g]));
  const figuresText = (g: Group | undefined) =>
    g ? `${groupDigits(g.params)} params · ${metric(g.macs)}MACs${perSample(trace)} · out ${shapeText(g.output, trace.symbolicBatch)}` : '';
  // the same network and columns as drawn: only figures change, so the rows are kept and their texts set
  const key = `${JSON.stringify(o.config)}|${headings.join('|')}|${widths.join(',')}`;
  if (drawnTable && drawnTable.key === key && panel.contains(drawnTable.cells[0] ?? null)) {
    const flat = cells.flat();
    drawnTable.cells.forEach((el, i) => {
      if (el.textContent !== flat[i]) el.textContent = flat[i]!;
    });
    for (const span of drawnTable.figures) span.textContent = figuresText(stages.get(span.dataset['group']!) ?? blocks.get(span.dataset['group']!));
    return;
  }
  const aligns = columns.map((c) => (c.align === 'right' ? ' num' : ''));
  const head = headings.map((h, k) => `<div role="columnheader" class="cell${aligns[k]}">${html(h)}</div>`).join('');
  const heading = (key: string, label: string, g: Group | undefined) =>
    `<div role="row" class="head"><div role="rowheader" class="span"><button type="button" data-fold="${key}" aria-expanded="${!folded.has(key)}">${html(label)}</button><span class="figs" data-group="${key}">${html(figuresText(g))}</span></div></div>`;
  const row = (i: number) => `<div role="row">${cells[i]!.map((t, k) => `<div role="cell" class="cell${aligns[k]}">${html(t)}</div>`).join('')}</div>`;
  const out: string[] = [];
  // the blocks of each stage, drawn into it later, a few hundred rows a task, where the table is large
  const later: { stage: string; first: number; end: number; html: () => string }[] = [];
  const deferring = cells.length > TABLE_ROWS_AT_ONCE;
  let drawnRows = 0;
  const { layers } = trace;
  let i = 0;
  while (i < layers.length) {
    const section = layers[i]!.spec.section;
    if (section.kind !== 'block') {
      // the stem or the head: a group of its own rows
      const key = section.kind;
      out.push(`<div class="group${folded.has(key) ? ' folded' : ''}" data-key="${key}">${heading(key, key, stages.get(key))}<div class="rows">`);
      for (; i < layers.length && sameSection(layers[i]!.spec.section, section); i++) out.push(row(i));
      out.push('</div></div>');
      continue;
    }
    const stage = `layer${section.stage + 1}`;
    const n = trace.config.layers[section.stage] ?? 0;
    out.push(`<div class="group${folded.has(stage) ? ' folded' : ''}" data-key="${stage}">${heading(stage, `${stage} · ${n} ${trace.config.block} block${n === 1 ? '' : 's'}`, stages.get(stage))}<div class="rows">`);
    while (i < layers.length && layers[i]!.spec.section.kind === 'block' && (layers[i]!.spec.section as typeof section).stage === section.stage) {
      const blockSection = layers[i]!.spec.section as typeof section;
      const block = `${stage}.${blockSection.index}`;
      const first = i;
      while (i < layers.length && sameSection(layers[i]!.spec.section, blockSection)) i++;
      const end = i;
      const blockHtml = () => {
        let h =
          `<div class="group block${folded.has(block) ? ' folded' : ''}" data-key="${block}">${heading(block, `${block}${blockSection.projection ? ` · ${shortcutLabel(trace.config)}` : ''}`, blocks.get(block))}` +
          `<div class="rows" style="contain-intrinsic-size: auto ${(end - first) * 1.6}em">`;
        for (let j = first; j < end; j++) h += row(j);
        return `${h}</div></div>`;
      };
      if (deferring && drawnRows >= TABLE_ROWS_AT_ONCE) later.push({ stage, first, end, html: blockHtml });
      else {
        out.push(blockHtml());
        drawnRows += end - first;
      }
    }
    out.push('</div></div>');
  }
  panel.innerHTML =
    `<div class="tools"><button type="button" data-fold-all="none">Expand all</button><button type="button" data-fold-all="block">Fold blocks</button><button type="button" data-fold-all="stage">Fold stages</button>` +
    `${selectHtml('count', 'Count column', ['', ...COUNT_NAMES], state.count, { '': 'none' })}</div>` +
    `<div class="table-wrap" role="table" data-testid="layers" aria-label="Every layer of ${html(trace.config.name)} at ${html(shapeText(trace.input, trace.symbolicBatch))}" aria-rowcount="${layers.length}" style="--columns: ${widths.map((w) => `${w + 2}ch`).join(' ')}">` +
    `<div class="columns" role="row">${head}</div>${out.join('')}</div>`;
  wireSelect(panel, 'count');
  const finish = () => {
    drawnTable = { key, cells: [...panel.querySelectorAll<HTMLElement>('[role="cell"]')], figures: [...panel.querySelectorAll<HTMLElement>('.figs')] };
  };
  if (later.length === 0) finish();
  else {
    // the rest in tasks of a few hundred rows: the page answers input between them
    drawnTable = null;
    let next = 0;
    // from the next task: the rows drawn at once are laid out first
    inTasks(() => {
      for (let rows = 0; next < later.length && rows < TABLE_ROWS_AT_ONCE; ) {
        const piece = later[next++]!;
        panel.querySelector(`.group[data-key="${piece.stage}"] > .rows`)?.insertAdjacentHTML('beforeend', piece.html());
        rows += piece.end - piece.first;
      }
      if (next < later.length) return false;
      finish();
      return true;
    }, true);
  }
  const fold = (key: string, on: boolean) => {
    if (on) folded.add(key);
    else folded.delete(key);
    const group = panel.querySelector<HTMLElement>(`.group[data-key="${key}"]`);
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

/**
 * The most nodes the page lays out: Graphviz runs on the page's thread, and measured on this
 * project's machine it takes 0.03 s for 100 nodes, 0.2 s for 200, 0.5 s for 400, 8 s for 1,600.
 */
const PAGE_DIAGRAM_NODES = 250;

interface GraphvizModule {
  layout(dot: string, format: string, engine: string): string;
}
let graphviz: Promise<GraphvizModule> | null = null;

/** Graphviz (WASM, about a megabyte) is loaded the first time a diagram is drawn. */
function loadGraphviz(): Promise<GraphvizModule> {
  graphviz ??= new Promise<GraphvizModule>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'graphviz.js';
    script.onload = () => {
      const g = (window as unknown as { resnetShapesGraphviz?: { load(): Promise<GraphvizModule> } }).resnetShapesGraphviz;
      if (!g) reject(new Error('graphviz.js did not define its loader'));
      else g.load().then(resolve, reject);
    };
    script.onerror = () => reject(new Error('graphviz.js could not be loaded'));
    document.head.append(script);
  });
  return graphviz;
}

function drawDiagram(panel: HTMLElement, o: Traced): void {
  const { trace } = o.analysis;
  const nodes = graphSize(trace, state.depth);
  panel.innerHTML =
    `<div class="tools">${selectHtml('depth', 'Fold by', DIAGRAM_DEPTHS, state.depth)}</div>` +
    `<div class="diagram" data-testid="diagram" aria-live="polite"><p class="muted">Drawing with Graphviz…</p></div>` +
    `<details><summary>DOT source (<code>--format dot</code>)</summary><pre data-testid="dot"></pre></details>`;
  wireSelect(panel, 'depth');
  const box = panel.querySelector<HTMLElement>('.diagram')!;
  if (nodes > PAGE_DIAGRAM_NODES) {
    box.innerHTML =
      `<p class="problem">The diagram would have ${groupDigits(nodes)} nodes; the page lays out up to ${PAGE_DIAGRAM_NODES} (Graphviz blocks the page ` +
      `about 0.2 s per 200 nodes, more as they grow): fold it by ${state.depth === 'layer' ? 'block or stage' : 'stage'}, or draw it with the command line ` +
      `(<code>--format dot | dot -Tsvg</code>, up to ${groupDigits(MAX_DIAGRAM_NODES)} nodes).</p>`;
    return;
  }
  const dot = formatDot(buildGraph(trace, state.depth), trace.config.name);
  panel.querySelector('pre')!.textContent = dot;
  const drawn = state;
  loadGraphviz().then(
    (g) => {
      if (state !== drawn) return;
      try {
        box.innerHTML = g.layout(dot, 'svg', 'dot');
      } catch (e) {
        // Graphviz's own failure (its stack, its memory): said where the diagram would be
        box.innerHTML = `<p class="problem">Graphviz could not lay this diagram out (${html(String((e as Error)?.message ?? e))}): fold it by stage, or draw it with the command line.</p>`;
        return;
      }
      const svg = box.querySelector('svg');
      svg?.setAttribute('role', 'img');
      svg?.setAttribute('aria-label', `Diagram of ${trace.config.name} by ${state.depth}`);
    },
    (e: Error) => {
      box.innerHTML = `<p class="problem">${html(e.message)}</p>`;
    },
  );
}

function drawMemory(panel: HTMLElement, o: Traced): void {
  const a = o.analysis;
  const lines = memoryLines(a.memory, a.memoryOptions, a.trace.symbolicBatch);
  const fit = a.fit ? fitLine(a.fit) : o.budget === null ? 'Fit: give a memory size such as 24GiB, 80GB or 512MiB' : '';
  panel.innerHTML =
    `<div class="tools">${selectHtml('dtype', 'Activations', DTYPES, state.dtype)}${selectHtml('optimizer', 'Optimizer', OPTIMIZERS, state.optimizer)}` +
    `${selectHtml('mode', 'Fit', MEMORY_MODES, state.mode, { train: 'a training step', infer: 'inference' })}` +
    `<label for="set-gpu">GPU memory</label> <input id="set-gpu" value="${html(state.gpu)}" size="8" list="gpus"><datalist id="gpus"><option value="8GiB"><option value="12GiB"><option value="16GiB"><option value="24GiB"><option value="40GB"><option value="48GiB"><option value="80GB"></datalist></div>` +
    `<pre data-testid="memory">${html([...lines, fit].filter((l) => l !== '').join('\n'))}</pre>` +
    `<p class="muted small">A model of what PyTorch's CUDA caching allocator holds (see the README, "Memory"): weights, gradients, optimizer state, the activations autograd keeps, and the peak of each phase.</p>`;
  for (const key of ['dtype', 'optimizer', 'mode'] as const) wireSelect(panel, key);
  const gpu = panel.querySelector<HTMLInputElement>('#set-gpu')!;
  gpu.addEventListener('change', () => setState({ gpu: gpu.value }));
}

// ---- start ----------------------------------------------------------------------------------

function start(): void {
  byId('version').textContent = pkg.version;
  wireForm();
  fillForm();
  render();
}

start();

// The web page's state, its URL fragment and the command line that does the same: pure, so the
// rules are tested in Node and the page only draws. The fragment's documented keys are `arch`,
// `config` (URL-encoded JSON), `input` and `classes`; the others say which view and which memory
// settings are shown.

import { DTYPES, MEMORY_MODES, OPTIMIZERS, type Dtype, type MemoryMode, type Optimizer } from '../analysis/memory.js';
import { COUNT_NAMES, type CountName } from '../analysis/counts.js';
import { DEPTHS } from '../analysis/groups.js';

export const VIEWS = ['table', 'log', 'json', 'diagram', 'memory', 'counts'] as const;
export type View = (typeof VIEWS)[number];
export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const DIAGRAM_DEPTHS = DEPTHS;
export type DiagramDepth = (typeof DIAGRAM_DEPTHS)[number];

export interface PageState {
  /** A preset name; '' when a config is given. */
  readonly arch: string;
  /** A config's JSON text, as `--config -` reads it; null for a preset. */
  readonly config: string | null;
  /** `N,C,H,W` as typed; '' for the model's own input. */
  readonly input: string;
  /** As typed; '' for the model's own. */
  readonly classes: string;
  readonly view: View;
  readonly dtype: Dtype;
  readonly optimizer: Optimizer;
  /** A memory size (`24GiB`); the largest batch that fits it is shown. */
  readonly gpu: string;
  readonly mode: MemoryMode;
  /** The counting convention of the table's count column; '' for none. */
  readonly count: CountName | '';
  readonly depth: DiagramDepth;
  readonly theme: Theme;
}

export const DEFAULT_STATE: PageState = {
  arch: 'resnet50',
  config: null,
  input: '',
  classes: '',
  view: 'table',
  dtype: 'float32',
  optimizer: 'momentum',
  gpu: '24GiB',
  mode: 'train',
  count: '',
  depth: 'block',
  theme: 'auto',
};

const oneOf = <T extends string>(choices: readonly T[], value: string | null, fallback: T): T =>
  value !== null && (choices as readonly string[]).includes(value) ? (value as T) : fallback;

/**
 * The state a fragment describes (`#arch=resnet50&input=10,3,224,224&classes=1`). Keys it does
 * not know, and values of the settings that are not among their choices, fall back to the
 * defaults; what the model reads (arch, config, input, classes) is kept as given, so a mistake
 * there is reported as the CLI reports it.
 */
export function stateFromFragment(fragment: string): PageState {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const config = params.get('config');
  const arch = params.get('arch');
  return {
    arch: arch ?? (config === null ? DEFAULT_STATE.arch : ''),
    config,
    input: params.get('input') ?? '',
    classes: params.get('classes') ?? '',
    view: oneOf(VIEWS, params.get('view'), DEFAULT_STATE.view),
    dtype: oneOf(DTYPES, params.get('dtype'), DEFAULT_STATE.dtype),
    optimizer: oneOf(OPTIMIZERS, params.get('optimizer'), DEFAULT_STATE.optimizer),
    gpu: params.get('gpu') ?? DEFAULT_STATE.gpu,
    mode: oneOf(MEMORY_MODES, params.get('mode'), DEFAULT_STATE.mode),
    count: oneOf<CountName | ''>(COUNT_NAMES, params.get('count'), ''),
    depth: oneOf(DIAGRAM_DEPTHS, params.get('depth'), DEFAULT_STATE.depth),
    theme: oneOf(THEMES, params.get('theme'), DEFAULT_STATE.theme),
  };
}

/** The fragment of a state: the model first, then each setting that is not its default. */
export function fragmentOf(state: PageState): string {
  const params = new URLSearchParams();
  if (state.config !== null) params.set('config', state.config);
  else params.set('arch', state.arch);
  if (state.input !== '') params.set('input', state.input);
  if (state.classes !== '') params.set('classes', state.classes);
  for (const key of ['view', 'dtype', 'optimizer', 'gpu', 'mode', 'count', 'depth', 'theme'] as const) {
    if (state[key] !== DEFAULT_STATE[key]) params.set(key, state[key]);
  }
  // URLSearchParams writes a space as '+'; %20 reads the same and survives more hands
  return params.toString().replace(/\+/g, '%20');
}

/**
 * Characters a terminal or a shell acts on even inside quotes, or that reorder what is shown:
 * C0 and C1 controls (ESC starts a sequence that can end bracketed paste, CR and ^U edit the
 * line), DEL, line and paragraph separators, bidi controls, and the invisible format characters.
 */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;
const ACTIVE_ALL = new RegExp(ACTIVE.source, 'g');

/** How `shellWord` writes a word: as it is, single-quoted, or ANSI-C quoted. */
type Quoting = 'bare' | 'single' | 'ansi';

const quotingOf = (word: string): Quoting => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? 'bare' : ACTIVE.test(word) ? 'ansi' : 'single');

/**
 * A word for the shell, inert when pasted: as it is when it holds nothing the shell would act on;
 * single-quoted when it holds only printable characters; otherwise ANSI-C quoted (`$'…'`, bash,
 * zsh and ksh), each active character written as an escape (`\x1b`, `\u202e`: a UTF-8 locale reads
 * it back as the character; another shows the escape), so that the
 * terminal and the shell see the characters as data and the page shows them the same way. Each
 * character is written on its own, so the word of a text's first part, quoted as the whole text is
 * (`quoting`), is the first part of the whole text's word.
 */
export function shellWord(word: string, quoting: Quoting = quotingOf(word)): string {
  if (quoting === 'bare') return word;
  if (quoting === 'single') return `'${word.replace(/'/g, `'\\''`)}'`;
  const escaped = word.replace(/[\\']/g, (c) => `\\${c}`).replace(ACTIVE_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return `$'${escaped}'`;
}

/**
 * The `resnet-shapes` command line that prints what the page shows. Given `head`, a config longer
 * than that is written only so far: the command's first `head` characters are then the whole
 * command's, without the time a config of megabytes takes to quote (a link's 2 MB of controls:
 * 1.7 MB of escapes, 150 ms on the page's thread).
 */
export function commandOf(state: PageState, head = Infinity): string {
  const args: string[] = [];
  if (state.config === null) args.push('--arch', state.arch);
  else args.push('--config', '-');
  if (state.input !== '') args.push('--input', state.input);
  if (state.classes !== '') args.push('--classes', state.classes);
  const format: Record<View, string> = { table: 'table', log: 'log', json: 'json', diagram: 'dot', memory: 'table', counts: 'counts' };
  if (state.view !== 'log') args.push('--format', format[state.view]);
  if (state.view === 'diagram' && state.depth !== 'block') args.push('--depth', state.depth);
  if (state.view === 'memory' || state.view === 'json') {
    if (state.dtype !== DEFAULT_STATE.dtype) args.push('--dtype', state.dtype);
    if (state.optimizer !== DEFAULT_STATE.optimizer) args.push('--optimizer', state.optimizer);
    if (state.gpu.trim() !== '') args.push('--fit', state.gpu.trim());
    if (state.mode !== DEFAULT_STATE.mode) args.push('--mode', state.mode);
  }
  if (state.count !== '' && (state.view === 'table' || state.view === 'log' || state.view === 'json')) args.push('--count', state.count);
  const command = ['resnet-shapes', ...args].map((w, i) => (i === 0 ? w : shellWord(w))).join(' ');
  if (state.config === null) return command;
  const config = state.config.length <= head ? shellWord(state.config) : shellWord(state.config.slice(0, head), quotingOf(state.config));
  return `printf '%s\\n' ${config} | ${command}`;
}

/** How the CLI names a config read from `--config -`. */
export const STDIN = 'standard input';

/** The page's controls, by the words of the CLI's sentence that point at them. */
const DIMENSION_CONTROLS: Readonly<Record<string, string>> = { batch: 'Batch', channels: 'Channels', frames: 'Frames', height: 'Height', width: 'Width', length: 'Length' };
/** The boxes of an input of each rank, as the page shows them (a clip's frames; a signal's length). */
const BOXES: Readonly<Record<number, string>> = { 3: 'Batch, Channels, Length', 4: 'Batch, Channels, Height, Width', 5: 'Batch, Channels, Frames, Height, Width' };

/**
 * The CLI's error sentence as a person at the page reads it: the control it concerns first (Height,
 * Classes, Preset, Config line 3), then what is wrong, in the CLI's words but for its flags.
 */
export function errorForPerson(sentence: string, configLine: number | null): string {
  const option = /^option '([^']*)' argument '([^']*)' is invalid\. (.*)$/s.exec(sentence);
  if (option) {
    const [, flags = '', value = '', reason = ''] = option;
    if (flags.includes('--classes')) return `Classes: ${reason.replace(/^classes: /, '')}`;
    if (flags.includes('--fit')) return `GPU memory: ${reason}`;
    const dimension = /^(batch|channels|frames|height|width|length): (.*)$/s.exec(reason);
    if (dimension) return `${DIMENSION_CONTROLS[dimension[1]!]}: ${dimension[2]}`;
    return `Input: ${reason.replace(/^expected 4 comma-separated dimensions N,C,H,W \(e\.g\. 1,3,224,224[^)]*\)/, "expected the four boxes Batch, Channels, Height and Width (a clip's five with Frames, a signal's three with Length)")} ('${value}')`;
  }
  if (sentence.startsWith(`${STDIN}: `)) return `Config line ${configLine ?? 1}: ${sentence.slice(STDIN.length + 2)}`;
  const preset = /^unknown architecture '([^']*)': (.*)$/s.exec(sentence);
  if (preset) return `Preset: '${preset[1]}' is unknown; ${preset[2]!.replace(/\s*\(--list names every preset\)$/, '')}`.replace(/; not a preset$/, '');
  // the network refused the input: the channels, or the size
  const shape = /^(.*) \(input (\[[^\]]*\]), model [^)]*?(; shapes are N,C,H,W: did you mean ([^?]*)\?)?\)$/s.exec(sentence);
  if (shape) {
    const [, what = '', input = '', , meant] = shape;
    // a rank it cannot take: the boxes it wants
    const rank = /: expected a (\d)-d input /.exec(what);
    const control = /input channels/.test(what) ? 'Channels' : rank ? 'Input' : 'Height and Width';
    const wanted = rank ? ` (the boxes for it: ${BOXES[Number(rank[1])] ?? `${rank[1]} dimensions`})` : '';
    return `${control}: the network cannot take the input ${input}: ${what}${meant ? ` (the boxes are Batch, Channels, Height, Width: did you mean ${meant}?)` : wanted}`;
  }
  return sentence;
}

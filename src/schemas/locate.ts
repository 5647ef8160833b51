// Line numbers of the fields in a JSON text, for annotations that point at the failing field.
// A small scanner, not a parser: it assumes the text already parsed with JSON.parse.

/**
 * How deep paths are located: no schema has a field deeper than a few levels, so a value nested
 * deeper is passed over, and a hostile text nested 45,000 deep costs a scan, not a path string
 * per level (quadratic in the depth).
 */
const MAX_DEPTH = 32;

/** Maps field paths (`expect.output`, `layers[2]`) to 1-based line numbers. */
export function locateFields(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let i = 0;
  // stack of containers: for objects the current key, for arrays the current index
  const stack: { kind: 'object' | 'array'; key: string; index: number; path: string }[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'array') return `${top.path}[${top.index}]`;
    return top.path === '' ? top.key : `${top.path}.${top.key}`;
  };
  const markValue = (): void => {
    const top = stack[stack.length - 1];
    if (top?.kind === 'array' && stack.length <= MAX_DEPTH) {
      const path = childPath();
      if (!lines.has(path)) lines.set(path, line);
    }
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      let raw = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else raw += text[j++];
      }
      const value = safeString(raw);
      // a key is a string followed by a colon
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top?.kind === 'object') {
        top.key = value;
        if (stack.length <= MAX_DEPTH) {
          const path = childPath();
          if (!lines.has(path)) lines.set(path, line);
        }
      } else markValue();
      i = j + 1;
    } else if (ch === '{' || ch === '[') {
      markValue();
      stack.push({ kind: ch === '{' ? 'object' : 'array', key: '', index: 0, path: stack.length < MAX_DEPTH ? childPath() : '' });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      i++;
    } else if (/[-0-9tfn]/.test(ch)) {
      markValue();
      while (i < text.length && /[-+.0-9a-zA-Z]/.test(text[i]!)) i++;
    } else i++;
  }
  return lines;
}

function safeString(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** The line of a path, or of its nearest located parent, or 1. */
export function lineOf(lines: Map<string, number>, path: string): number {
  let p = path;
  while (p !== '') {
    const found = lines.get(p);
    if (found !== undefined) return found;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return 1;
}

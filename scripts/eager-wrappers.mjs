// V8 compiles a function lazily: loading a script pre-parses the function, and its first call
// parses it again, in full. A function expression in parentheses, `(function () {…})`, is the
// exception V8 makes for code that runs at once: it is compiled with the code around it, parsed
// once. esbuild wraps each CommonJS module it bundles (commander's files, in dist/cli.cjs) in an
// arrow function that runs on the module's first `require`, which for commander is every
// start-up. eagerWrappers writes those wrappers as parenthesised function expressions, so V8
// parses commander once instead of twice, and shifts the bundle's source map to match. The
// modules' own code is not touched; a wrapper that uses `this` or `arguments` (which an arrow and
// a function bind differently) is left as it is.

import { readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import ts from 'typescript';

/**
 * esbuild's CommonJS wrapper helper as it minifies it, an arrow returning an arrow:
 * `(cb, mod) => () => { … mod || cb((mod = { exports: {} }).exports, mod), mod.exports … }`.
 */
function isCommonJsHelper(node, text) {
  return ts.isArrowFunction(node) && ts.isArrowFunction(node.body) && text.slice(node.pos, node.end).includes('exports:{}');
}

/** Whether the function's own body (not its nested non-arrow functions) reads `this` or `arguments`. */
function usesThisOrArguments(fn) {
  let found = false;
  const visit = (node) => {
    if (found) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword || (ts.isIdentifier(node) && node.text === 'arguments')) found = true;
    else if (!(ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node) || ts.isClassLike(node))) ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn.body, visit);
  return found;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The base64 VLQ value at `at` in `text` (a source map's integer encoding) and where it ends. */
function readVlq(text, at) {
  let value = 0;
  let shift = 0;
  let digit;
  do {
    digit = B64.indexOf(text[at++]);
    value += (digit & 31) * 2 ** shift;
    shift += 5;
  } while (digit & 32);
  return { value: value & 1 ? -(value - 1) / 2 : value / 2, end: at };
}

function writeVlq(value) {
  let rest = value < 0 ? -value * 2 + 1 : value * 2;
  let out = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    out += B64[digit | (rest > 0 ? 32 : 0)];
  } while (rest > 0);
  return out;
}

/**
 * The mappings with each generated column moved by `moved(line, column)`. A segment's first field
 * is its generated column, relative to the segment before it on the line; the other fields are
 * relative across the whole map and keep their text, as the segments keep their order.
 */
function shiftMappings(mappings, moved) {
  return mappings
    .split(';')
    .map((line, index) => {
      let before = 0;
      let movedBefore = 0;
      return line
        .split(',')
        .map((segment) => {
          if (segment === '') return segment;
          const { value, end } = readVlq(segment, 0);
          const column = before + value;
          const now = moved(index, column);
          before = column;
          const text = writeVlq(now - movedBefore) + segment.slice(end);
          movedBefore = now;
          return text;
        })
        .join(',');
    })
    .join(';');
}

/**
 * Rewrites `bundle` (and `bundle.map`): each esbuild CommonJS wrapper of a module from
 * node_modules becomes `(function (…) {…})`. Returns how many it rewrote.
 */
export function eagerWrappers(bundle) {
  const text = readFileSync(bundle, 'utf8');
  const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8'));
  const origin = new SourceMap(map);
  const file = ts.createSourceFile(bundle, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const at = (position) => file.getLineAndCharacterOfPosition(position);

  const helpers = new Set();
  const wrappers = [];
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const init = declaration.initializer;
      if (!init || !ts.isIdentifier(declaration.name)) continue;
      if (isCommonJsHelper(init, text)) helpers.add(declaration.name.text);
      else if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && helpers.has(init.expression.text) && init.arguments.length === 1) {
        const fn = init.arguments[0];
        if (!ts.isArrowFunction(fn) || !ts.isBlock(fn.body) || fn.modifiers?.length || usesThisOrArguments(fn)) continue;
        const { line, character } = at(fn.getStart(file));
        const source = origin.findEntry(line, character).originalSource ?? '';
        if (source.includes('/node_modules/')) wrappers.push(fn);
      }
    }
  }

  // edits at positions of the original text: [position, characters removed, text inserted]
  const edits = [];
  for (const fn of wrappers) {
    const start = fn.getStart(file);
    const params = text.slice(start, fn.equalsGreaterThanToken.getStart(file)).trim();
    const head = text.slice(start, fn.body.getStart(file));
    edits.push([start, head.length, `(function${params.startsWith('(') ? params : `(${params})`}`], [fn.end, 0, ')']);
  }
  edits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  for (const [position, removed, inserted] of edits) {
    out += text.slice(from, position) + inserted;
    from = position + removed;
  }
  out += text.slice(from);

  // a generated column after an edit moves by what the edits before it on its line added; one
  // inside a replaced span moves to the span's start
  const byLine = new Map();
  for (const [position, removed, inserted] of edits) {
    const { line, character } = at(position);
    if (!byLine.has(line)) byLine.set(line, []);
    byLine.get(line).push({ column: character, removed, added: inserted.length - removed });
  }
  const moved = (line, column) => {
    let shift = 0;
    for (const e of byLine.get(line) ?? []) {
      if (column >= e.column + e.removed) shift += e.added;
      else if (column >= e.column) return e.column + shift;
    }
    return column + shift;
  };
  writeFileSync(bundle, out);
  writeFileSync(`${bundle}.map`, JSON.stringify({ ...map, mappings: shiftMappings(map.mappings, moved) }));
  return wrappers.length;
}

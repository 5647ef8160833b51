// Reporters of `resnet-shapes check`: text, json, github (workflow commands) and junit.

import type { Failure } from '../analysis/expect.js';
import { toJsonValue } from '../int.js';
import { inert, jsonText } from './common.js';

export type CheckStatus = 'pass' | 'fail' | 'invalid';

export interface FailureAt extends Failure {
  /** 1-based line of the field in the file. */
  readonly line: number;
}

export interface CheckResult {
  readonly file: string;
  readonly status: CheckStatus;
  readonly failures: readonly FailureAt[];
  /** Why the file is invalid (status `invalid`). */
  readonly error?: { readonly message: string; readonly line: number };
}

export interface CheckSummary {
  readonly passed: number;
  readonly failed: number;
  readonly invalid: number;
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return { passed: count('pass'), failed: count('fail'), invalid: count('invalid') };
}

export function failureSentence(f: Failure): string {
  return `${f.field}: expected ${f.expected}, got ${f.found}`;
}

/** Data goes to stdout, diagnostics to stderr. */
export interface Report {
  readonly stdout: string;
  readonly stderr: string;
}

/** The closing line of the machine reporters: invalid files count as failed. */
export function closingLine(s: CheckSummary): string {
  return `${s.passed} passed, ${s.failed + s.invalid} failed`;
}

/** Text: a line per checked file and the closing line on stdout; invalid files on stderr. */
export interface ReportOptions {
  /** Text reporter: leave out the lines of passing files. */
  readonly quiet?: boolean;
}

export function reportText(results: readonly CheckResult[], options: ReportOptions = {}): Report {
  let stdout = '';
  let stderr = '';
  for (const r of results) {
    const file = inert(r.file);
    if (r.status === 'fail') stdout += `FAIL  ${file}: ${inert(r.failures.map(failureSentence).join('; '))}\n`;
    else if (r.status === 'invalid') stderr += `error: ${file}: ${inert(r.error?.message ?? 'invalid')}\n`;
    else if (!options.quiet) stdout += `pass  ${file}\n`;
  }
  // the closing line every reporter writes (an invalid file counts as failed), when there was a
  // file to check: a run of invalid files alone prints only their diagnostics
  const s = summarize(results);
  if (s.passed + s.failed > 0) stdout += `${closingLine(s)}\n`;
  return { stdout, stderr };
}

/** The check report as JSON (schemaVersion 2: `expected` and `found` are data, `message` the sentence). */
export function reportJson(results: readonly CheckResult[]): Report {
  const s = summarize(results);
  const data = (x: unknown): unknown => (typeof x === 'bigint' ? toJsonValue(x) : Array.isArray(x) ? x.map(data) : x);
  return {
    stderr: '',
    stdout: `${jsonText(
      {
        schemaVersion: 2,
        ...s,
        ok: s.failed === 0 && s.invalid === 0,
        files: results.map((r) => ({
          file: r.file,
          status: r.status,
          failures: r.failures.map((f) => ({
            field: f.field,
            expected: data(f.expectedValue),
            found: data(f.foundValue),
            message: failureSentence(f),
            line: f.line,
          })),
          error: r.error ?? null,
        })),
      },
      2,
    )}\n`,
  };
}

// GitHub workflow commands: data escapes %, CR, LF; properties also : and ,
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function reportGithub(results: readonly CheckResult[]): Report {
  let out = '';
  const annotate = (file: string, line: number, title: string, message: string) => {
    // inert first (no control character survives), then the workflow-command encoding
    out += `::error file=${escapeProperty(inert(file))},line=${line},title=${escapeProperty(title)}::${escapeData(inert(message))}\n`;
  };
  for (const r of results) {
    for (const f of r.failures) annotate(r.file, f.line, 'resnet-shapes check failed', failureSentence(f));
    if (r.error) annotate(r.file, r.error.line, 'resnet-shapes check: invalid file', r.error.message);
  }
  return { stdout: `${out}${closingLine(summarize(results))}\n`, stderr: '' };
}

// XML 1.0 allows tab, LF, CR and code points from U+0020; others are dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xml = (s: string): string =>
  inert(s)
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

export function reportJunit(results: readonly CheckResult[]): Report {
  const s = summarize(results);
  const counts = `tests="${results.length}" failures="${s.failed}" errors="${s.invalid}"`;
  let out = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="resnet-shapes check" ${counts}>\n`;
  out += `  <testsuite name="resnet-shapes check" ${counts} skipped="0">\n`;
  for (const r of results) {
    const open = `    <testcase classname="resnet-shapes.check" name="${xml(r.file)}" file="${xml(r.file)}"`;
    if (r.status === 'pass') out += `${open}/>\n`;
    else if (r.status === 'fail') {
      // one line per failure: the newlines are ours, each sentence is made inert on its own
      const text = r.failures.map((f) => xml(failureSentence(f))).join('\n');
      out += `${open}>\n      <failure type="expectation" message="${xml(r.failures.map(failureSentence).join('; '))}">${text}</failure>\n    </testcase>\n`;
    } else {
      const message = r.error?.message ?? 'invalid';
      out += `${open}>\n      <error type="invalid" message="${xml(message)}">${xml(message)}</error>\n    </testcase>\n`;
    }
  }
  return { stdout: `${out}  </testsuite>\n</testsuites>\n`, stderr: '' };
}

export const REPORTERS = {
  text: reportText,
  json: reportJson,
  github: reportGithub,
  junit: reportJunit,
} as const;

export type ReporterName = keyof typeof REPORTERS;

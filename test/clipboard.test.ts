// The command "Copy as command" puts on the clipboard is inert in any terminal: every word the
// page builds from outside text (a config, an input, classes, a preset name) reaches the shell as
// the same characters, and holds no character a terminal or a shell would act on. Checked by a
// real bash over generated hostile words, and on the commands of generated page states.

import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandOf, shellWord, stateFromFragment } from '../src/web/state.js';

/** What a terminal or shell acts on: controls, DEL, C1, separators, bidi and invisible format characters. */
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;

// words made of what an attacker would reach for, mixed with ordinary text (no NUL: a C string
// cannot hold one, so no shell word can)
const hostile = fc.constantFrom('\x1b[201~', '\x15', '\r', '\n', '\u202e', '\u2066', '\u2028', '\x07', '\x9b', "'", '\\', '$(touch x)', '`id`', '"', '!', ' ', '\t', '\u200b', 'é', '😀', '\x7f');
const word = fc.array(fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 4 }).filter((s) => !s.includes('\0') && !/[\ud800-\udfff]/.test(s))), { maxLength: 8 }).map((parts) => parts.join(''));

describe('copied commands are inert', () => {
  it('a word reaches bash as the same characters, and is written without an active character', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 20 }), (words) => {
        const quoted = words.map((w) => shellWord(w));
        for (const q of quoted) expect(q, JSON.stringify(q)).not.toMatch(ACTIVE);
        const script = `printf '%s\\0' ${quoted.join(' ')}\n`;
        expect(spawnSync('bash', ['-n', '-c', script]).status).toBe(0);
        const r = spawnSync('bash', ['-c', script], { encoding: 'buffer', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
        expect(r.status).toBe(0);
        const got = r.stdout.toString('utf8').split('\0').slice(0, -1);
        expect(got).toEqual(words);
      }),
      { numRuns: 60 },
    );
  });

  it('the command of any fragment holds no active character and parses as one bash command', () => {
    const value = fc.array(fc.oneof(hostile, fc.string({ maxLength: 6 })), { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(
      fc.property(value, value, value, value, (config, input, classes, arch) => {
        const fragments = [
          `config=${encodeURIComponent(config)}&input=${encodeURIComponent(input)}&classes=${encodeURIComponent(classes)}`,
          `arch=${encodeURIComponent(arch)}&input=${encodeURIComponent(input)}&view=memory&gpu=${encodeURIComponent(classes)}`,
        ];
        for (const fragment of fragments) {
          const command = commandOf(stateFromFragment(fragment));
          expect(command).not.toMatch(ACTIVE);
          // one line that bash parses without running anything
          expect(command.includes('\n')).toBe(false);
          expect(spawnSync('bash', ['-n', '-c', command]).status, command).toBe(0);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('a command cut at a length begins as the whole command does, for any config', () => {
    // the page shows the first characters of the command of a config written only so far
    // (commandOf's head): they are the whole command's, whatever the rest of the config holds
    const config = fc.array(fc.oneof(hostile, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: 40 }), (text, head) => {
        const state = stateFromFragment(`config=${encodeURIComponent(text)}`);
        const whole = commandOf(state);
        const cut = commandOf(state, head);
        if (text.length <= head) expect(cut).toBe(whole);
        else expect(whole.startsWith(cut.slice(0, head))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('the reported payload: ESC [201~, ^U and CR in a config stay escapes', () => {
    const command = commandOf(stateFromFragment('config=%1B%5B201~%15touch%20pwned-marker%0D'));
    expect(command).toBe("printf '%s\\n' $'\\x1b[201~\\x15touch pwned-marker\\x0d' | resnet-shapes --config - --format table");
  });
});

// Exit codes live here, and only the CLI entry sets process.exitCode.

export const EXIT = {
  ok: 0,
  /** A check failed (`check`), or `diff --exit-code` found a difference. */
  checkFailed: 1,
  /** Usage, input or config error, a shape the network cannot take included. */
  usage: 2,
  /** An internal bug: printed with a stack and a request to report it. */
  internal: 3,
  /** The output could not be written (a full disk, an I/O error); a closed pipe is not one. */
  writeFailed: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The output file could not be written (`--output`): one line on stderr, exit 4. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** A mistake in what the user asked for: one line on stderr, exit 2, no stack. */
export { InputError as UsageError } from '../errors.js';

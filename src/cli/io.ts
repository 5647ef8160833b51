// The CLI's only way out: data on stdout, diagnostics on stderr. `main` takes an Io, so the
// whole CLI runs in-process in tests.

export interface Io {
  /** Data: stdout (text, or the bytes of a binary format). */
  readonly out: (chunk: string | Uint8Array) => void;
  /** Diagnostics: stderr. */
  readonly err: (chunk: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  /** True once stdout is closed (its reader went away, or writing failed): stop producing output. */
  readonly stopped?: () => boolean;
  /** Maps an internal error's stack to source lines (the process entry reads the source map). */
  readonly mapStack?: (stack: string) => Promise<string>;
  /** Where the built web page is (dist/web beside the CLI bundle) for `resnet-shapes web`. */
  readonly webRoot?: string;
  /** `resnet-shapes web` hands over how to stop serving (tests stop it in-process). */
  readonly serving?: (stop: () => void) => void;
  /** Standard input's bytes, for `--config -` (default: file descriptor 0, read to its end). */
  readonly stdin?: () => Buffer;
}

/** Writes generated text in large pieces: a huge trace streams, a small one is one write. */
export function writeAll(out: Pick<Io, 'out' | 'stopped'>, pieces: Iterable<string>): void {
  let buffer = '';
  for (const piece of pieces) {
    if (out.stopped?.()) return;
    buffer += piece;
    if (buffer.length >= 1 << 16) {
      out.out(buffer);
      buffer = '';
    }
  }
  if (buffer !== '') out.out(buffer);
}

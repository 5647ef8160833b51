/** sha256 over the build's inputs (src/, presets, schemas, package files), relative to `root`. */
export function sourceHash(root: string): string;

// The name a user probably meant: for presets, subcommands and the fields of config and check
// files. Pure and small: names are compared with case and separators folded (`ResNet-50` is
// `resnet50`), then by a name that begins with what was typed (`resnet56` → `resnet56_cifar`),
// then by edit distance (a typo of up to a quarter of the name, at least one).

/** A name as compared: lower case, without `-`, `_`, `.` or spaces. */
export const fold = (name: string): string => name.toLowerCase().replace(/[-_.\s]/g, '');

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The candidate whose folded form is the typed name's, or null. */
export function sameName(typed: string, candidates: readonly string[]): string | null {
  const f = fold(typed);
  return candidates.find((c) => fold(c) === f) ?? null;
}

/** The candidate the typed name most probably means, or null when none is close. */
export function nearest(typed: string, candidates: readonly string[]): string | null {
  const f = fold(typed.slice(0, 200));
  if (f === '') return null;
  const same = candidates.find((c) => fold(c) === f);
  if (same) return same;
  const extended = candidates.filter((c) => fold(c).startsWith(f) && f.length >= 3);
  if (extended.length > 0) return extended.reduce((a, b) => (b.length < a.length ? b : a));
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(f.length / 4)) + 1;
  for (const c of candidates) {
    const d = distance(f, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

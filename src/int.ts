// Exact integers without paying for BigInt on the common path.
//
// An Int is canonical: a `number` whenever the value is a safe integer, a `bigint` only beyond
// 2^53 - 1. Arithmetic checks each result and switches to BigInt when a product or sum leaves
// the safe range, so counts stay exact at any size and `===` compares canonical values.

export type Int = number | bigint;

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function canonical(x: bigint): Int {
  return x <= MAX && x >= -MAX ? Number(x) : x;
}

export function mul(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    // A float product that is a safe integer is exact: rounding never lands below 2^53
    // when the true product is above it.
    if (Number.isSafeInteger(p)) return p;
  }
  return canonical(BigInt(a) * BigInt(b));
}

export function add(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canonical(BigInt(a) + BigInt(b));
}

export function sub(a: Int, b: Int): Int {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (Number.isSafeInteger(s)) return s;
  }
  return canonical(BigInt(a) - BigInt(b));
}

/** Product of whole numbers ≥ 1 (shape dimensions). */
export function product(values: readonly Int[]): Int {
  // With factors ≥ 1 every partial product is at most the whole, so a float product that is
  // a safe integer was exact all along.
  let f = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || v < 1) return exactProduct(values);
    f *= v;
  }
  return Number.isSafeInteger(f) ? f : exactProduct(values);
}

function exactProduct(values: readonly Int[]): Int {
  let p: Int = 1;
  for (const v of values) p = mul(p, v);
  return p;
}

export function compare(a: Int, b: Int): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The value as JSON: a number while safe, else a decimal string with every digit. */
export function toJsonValue(x: Int): number | string {
  return typeof x === 'number' ? x : x.toString();
}

/** Digits grouped by thousands: 23510081 -> "23,510,081". */
export function groupDigits(x: Int): string {
  // a safe integer prints every digit as a number already (no exponent below 10^21)
  const s = String(x);
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  const head = digits.length % 3 || 3;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return neg ? `-${out}` : out;
}

/** x / 10^9 with `digits` decimals, exact for any size (no float rounding of huge values). */
export function scaled(x: Int, power: number, digits: number): string {
  const big = typeof x === 'bigint' ? x : BigInt(x);
  const scale = 10n ** BigInt(power);
  const unit = 10n ** BigInt(digits);
  // round half up on the absolute value
  const neg = big < 0n;
  const abs = neg ? -big : big;
  const q = (abs * unit * 2n + scale) / (scale * 2n);
  const whole = q / unit;
  const frac = (q % unit).toString().padStart(digits, '0');
  return `${neg ? '-' : ''}${whole}${digits > 0 ? `.${frac}` : ''}`;
}

/** A whole number from JSON (a number, or a string of digits for big values), canonical. */
export function toInt(x: number | string): Int {
  return typeof x === 'number' ? x : canonical(BigInt(x));
}

/**
 * Resource quantities as apimachinery's `resource.Quantity` reads and prints them (the engine reads pod
 * requests for resourcesDuration; the embedded API server validates with them): the parser a
 * request body goes through while it is decoded (a malformed quantity fails decoding, 400), the
 * comparison validation uses (requests ≤ limits, not negative), and the canonical form messages
 * show (`1.5` prints as `1500m`, `1000` as `1k`, `1.5Gi` as `1536Mi`).
 */

/** The decoder's error, word for word. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = mantissa × 10^exp10 × 1024^exp1024 */
export interface Quantity {
  mantissa: bigint;
  exp10: number;
  exp1024: number;
  format: Format;
}

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

/** Parses a quantity (a JSON string or number); undefined when the real decoder would refuse it. */
export function parseQuantity(raw: unknown): Quantity | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const m = NUMBER.exec(String(raw).trim() === String(raw) ? String(raw) : '');
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', suffix = ''] = m;
  if (whole.length + frac.length === 0) return undefined;
  let mantissa = BigInt(`${whole}${frac}` || '0');
  if (sign === '-') mantissa = -mantissa;
  let exp10 = -frac.length;
  let exp1024 = 0;
  let format: Format = 'DecimalSI';
  if (suffix in DECIMAL) exp10 += DECIMAL[suffix]!;
  else if (suffix in BINARY) {
    exp1024 = BINARY[suffix]!;
    format = 'BinarySI';
  } else if (/^[eE][+-]?\d+$/.test(suffix)) {
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > 1000) return undefined;
    exp10 += e;
    format = 'DecimalExponent';
  } else return undefined;
  return { mantissa, exp10, exp1024, format };
}

function scaled(q: Quantity, exp10: number): bigint {
  return q.mantissa * 10n ** BigInt(q.exp10 - exp10) * 1024n ** BigInt(q.exp1024);
}

/** -1, 0 or 1, as `Quantity.Cmp`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const e = Math.min(a.exp10, b.exp10);
  const x = scaled(a, e);
  const y = scaled(b, e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isNegative(q: Quantity): boolean {
  return q.mantissa < 0n;
}

/** `Quantity.String()`: the canonical form in the quantity's own format. */
export function formatQuantity(q: Quantity): string {
  if (q.format === 'BinarySI') {
    const e = Math.min(q.exp10, 0);
    const value = scaled(q, e);
    const abs = value < 0n ? -value : value;
    const integral = e === 0 || value % 10n ** BigInt(-e) === 0n;
    if (integral && abs >= 1024n) {
      let n = value / 10n ** BigInt(-e);
      let k = 0;
      while (k < 6 && n % 1024n === 0n) {
        n /= 1024n;
        k++;
      }
      return `${n}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][k]}`;
    }
  }
  return formatDecimal(q);
}

function formatDecimal(q: Quantity): string {
  let exp = Math.min(q.exp10, 0);
  let m = scaled(q, exp);
  if (m === 0n) return '0';
  while (m % 10n === 0n) {
    m /= 10n;
    exp++;
  }
  let e3 = Math.floor(exp / 3) * 3;
  if (e3 < -9) {
    // Values below a nano-unit round up to it, as the real type does.
    const div = 10n ** BigInt(-9 - exp);
    m = m / div + (m % div === 0n ? 0n : m > 0n ? 1n : 0n);
    exp = -9;
    e3 = -9;
  }
  if (e3 > 18 && q.format !== 'DecimalExponent') e3 = 18;
  const mantissa = m * 10n ** BigInt(exp - e3);
  if (q.format === 'DecimalExponent') return e3 === 0 ? `${mantissa}` : `${mantissa}e${e3}`;
  const suffix = Object.entries(DECIMAL).find(([, v]) => v === e3)![0];
  return `${mantissa}${suffix}`;
}

/** `Quantity.MilliValue()`: the value in thousandths, rounded up as apimachinery's `ScaledValue` does. */
export function milliValue(q: Quantity): bigint {
  const exp = q.exp10 + 3;
  const num = q.mantissa * 1024n ** BigInt(q.exp1024);
  if (exp >= 0) return num * 10n ** BigInt(exp);
  const div = 10n ** BigInt(-exp);
  const whole = num / div;
  return num % div !== 0n && num > 0n ? whole + 1n : whole;
}

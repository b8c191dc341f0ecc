/**
 * Numbers as the results pages show them: always with their unit, at a precision that fits the
 * unit (latency to 0.01 ms, memory to 0.1 KB, mAP to 0.0001), deltas signed with a real minus.
 */

const MINUS = '\u2212';

/** Decimal places for a value of `unit` of this size. */
export function decimalsFor(unit: string, magnitude: number): number {
  const u = unit.trim().toLowerCase();
  if (u === 'map' || u === 'map50' || u === 'map50-95' || u === 'accuracy' || u === '') return 4;
  if (u === 'ms' || u === 's') return magnitude >= 1000 ? 1 : magnitude >= 0.1 || magnitude === 0 ? 2 : 3;
  if (u === 'kb' || u === 'mb' || u === 'kib' || u === 'mib') return magnitude >= 10_000 ? 0 : 1;
  // Anything else: about four significant digits.
  if (magnitude === 0) return 2;
  return Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(magnitude))));
}

function number(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(decimalsFor(unit, Math.abs(value)));
  // −0.0000 reads as a loss that is not there.
  return value < 0 && Number(text) !== 0 ? `${MINUS}${text}` : text;
}

const withUnit = (text: string, unit: string): string => (unit ? `${text} ${unit}` : text);

/** A total, e.g. `806.46 ms`, `0.3350 mAP`, `538.7 KB`. */
export function formatValue(value: number, unit: string): string {
  return withUnit(number(value, unit), unit);
}

/** A change, always signed: `+1.20 ms`, `−0.0050 mAP`, `0 KB` for no change. */
export function formatDelta(value: number, unit: string): string {
  const text = number(value, unit);
  if (text === '—') return text;
  if (Number(text.replace(MINUS, '-')) === 0) return withUnit('±0', unit);
  return withUnit(value > 0 ? `+${text}` : text, unit);
}

/** A change without its unit (for columns whose header names it), signed. */
export function formatSignedNumber(value: number, unit: string): string {
  const text = formatDelta(value, unit);
  return unit && text.endsWith(` ${unit}`) ? text.slice(0, -unit.length - 1) : text;
}

/** For chart ticks: the number alone, at the unit's precision. */
export function formatTick(value: number, unit: string): string {
  return number(value, unit);
}

/** Lower case metric word for a GraphQL metric enum value (LATENCY → latency). */
export const metricWord = (metric: string): string => metric.toLowerCase().replace(/_/g, ' ');

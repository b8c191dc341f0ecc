/** Okabe–Ito colours (distinguishable with common colour-vision deficiencies), one per activation. */
const palette: Readonly<Record<string, string>> = {
  silu: '#0072B2',
  relu: '#E69F00',
  hardswish: '#009E73',
  relu6: '#CC79A7',
  leakyrelu: '#D55E00',
  gelu: '#56B4E9',
  mish: '#F0E442',
};
const fallback = ['#999999', '#000000', '#882255', '#44AA99'];

const normalise = (activation: string): string => activation.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/\d+$/, (d) => (d === '6' ? '6' : ''));

export function activationColour(activation: string): string {
  const key = normalise(activation);
  const known = palette[key] ?? palette[key.replace(/\d.*$/, '')];
  if (known) return known;
  let hash = 0;
  for (const ch of key) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return fallback[Math.abs(hash) % fallback.length]!;
}

/** Text colour that keeps WCAG AA contrast on the activation's colour. */
export function activationTextColour(activation: string): string {
  const hex = activationColour(activation).slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.22 ? '#000000' : '#ffffff';
}

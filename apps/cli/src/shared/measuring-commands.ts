/**
 * Commands that time models on this host: `actnas` relaunches itself for them with the measuring
 * malloc tunables (`@actnas/devices/measuring-process`). Decided from the words alone, before any
 * command module loads, so the other commands start as fast as before.
 */
const MEASURING = new Set(['profile', 'verify', 'agent']);

export function measuresOnThisHost(argv: readonly string[]): boolean {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === 'search') return argv.includes('--verify');
  return first !== undefined && MEASURING.has(first);
}

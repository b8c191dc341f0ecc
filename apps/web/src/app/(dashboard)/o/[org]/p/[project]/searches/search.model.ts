import type { Metric, ObjectiveSense, SearchStrategy } from '@/graphql/generated';

/** What the new-search form sends its server action (as JSON in one field). */
export interface SearchDraft {
  readonly modelSpecId: string;
  readonly costTableIds: readonly string[];
  readonly objective: { readonly sense: Exclude<ObjectiveSense, 'WEIGHTED'>; readonly metric: Metric; readonly deviceProfileId: string | null };
  readonly budgets: readonly { readonly metric: Metric; readonly deviceProfileId: string; readonly bound: 'MAX' | 'MIN'; readonly of: 'TOTAL' | 'DELTA'; readonly value: number }[];
  readonly strategy: SearchStrategy;
  readonly k: number;
  readonly diversity: number;
  readonly locks: readonly { readonly site: string; readonly activation: string }[];
  readonly compare: boolean;
  /** Verify each round's proposals on a device and tighten broken budgets (SubmitSearchInput.verify). */
  readonly verify?: { readonly rounds: number; readonly deviceProfileId: string } | null;
  readonly idempotencyKey: string;
}

export interface TableOption {
  readonly id: string;
  readonly metric: Metric;
  readonly unit: string;
  readonly version: number;
  readonly modelSpecName: string;
  /** Memory tables published with live-set rows can take a peak-memory budget. */
  readonly liveSetSteps?: number | null;
  readonly deviceProfile: { readonly id: string; readonly name: string };
}

/** Problems the form can see before asking the API, keyed by field. */
export function validateDraft(draft: SearchDraft, tables: readonly TableOption[], siteCount: number): Record<string, string> {
  const errors: Record<string, string> = {};
  const chosen = tables.filter((t) => draft.costTableIds.includes(t.id));
  if (!draft.modelSpecId) errors['model'] = 'Choose a model.';
  if (chosen.length === 0) errors['tables'] = 'Choose at least one cost table.';
  const keys = chosen.map((t) => `${t.metric}@${t.deviceProfile.id}`);
  if (new Set(keys).size !== keys.length) errors['tables'] = 'Choose one table per metric and device.';
  const objectiveTable = chosen.find((t) => t.metric === draft.objective.metric && (draft.objective.deviceProfileId === null || t.deviceProfile.id === draft.objective.deviceProfileId));
  if (chosen.length > 0 && !objectiveTable) errors['objective'] = 'The objective needs a chosen table of that metric (and device).';
  if (!Number.isInteger(draft.k) || draft.k < 1 || draft.k > 50) errors['k'] = 'k is a whole number from 1 to 50.';
  if (!Number.isInteger(draft.diversity) || draft.diversity < 1 || (siteCount > 0 && draft.diversity > siteCount)) errors['diversity'] = `Diversity is a whole number from 1 to ${siteCount || 'the number of sites'}.`;
  draft.budgets.forEach((b) => {
    const key = `budget-${b.metric}-${b.deviceProfileId}`;
    if (!Number.isFinite(b.value)) errors[key] = 'Enter a number.';
    else if (b.metric === 'PEAK_MEMORY' && b.value <= 0) errors[key] = 'A peak-memory budget is a positive number of KB.';
    else if (b.metric === 'PEAK_MEMORY' && !chosen.some((t) => t.metric === 'MEMORY' && t.deviceProfile.id === b.deviceProfileId && t.liveSetSteps)) errors[key] = 'A peak-memory budget needs a chosen memory table with live-set rows.';
  });
  if (siteCount > 0 && draft.locks.length >= siteCount) errors['locks'] = 'Leave at least one site unlocked.';
  const verify = verifyProblem(draft, chosen);
  if (verify) errors['verify'] = verify;
  if (draft.strategy === 'PARETO' && draft.budgets.length === 0) errors['strategy'] = 'A Pareto sweep sweeps a budget: tick one (e.g. accuracy).';
  return errors;
}

function verifyProblem(draft: SearchDraft, chosen: readonly TableOption[]): string | null {
  if (!draft.verify) return null;
  const { rounds, deviceProfileId } = draft.verify;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 5) return 'Verification rounds are a whole number from 1 to 5.';
  if (!chosen.some((t) => t.deviceProfile.id === deviceProfileId)) return 'Verify on the device of a chosen table.';
  if (draft.compare) return 'A verified search runs without the comparison strategies.';
  return null;
}

/** The devices a search can verify on: those of the chosen tables, in their order (the first is the default). */
export function verifyDevices(chosen: readonly Pick<TableOption, 'deviceProfile'>[]): { readonly id: string; readonly name: string }[] {
  const seen = new Map<string, { readonly id: string; readonly name: string }>();
  for (const t of chosen) if (!seen.has(t.deviceProfile.id)) seen.set(t.deviceProfile.id, { id: t.deviceProfile.id, name: t.deviceProfile.name });
  return [...seen.values()];
}

/** The API's error on `input.verify…` (or on compareWith beside verify), to show beside the verify fields. */
export function verifyApiError(fieldErrors: Readonly<Record<string, string>> | undefined): string | undefined {
  return Object.entries(fieldErrors ?? {}).find(([path]) => path === 'verify' || path.startsWith('verify.') || path === 'compareWith')?.[1];
}

'use client';

import { startTransition, useActionState, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { FormMessage } from '@/components/form/form-message';
import { ActivationStrip } from '@/components/strip/activation-strip';
import type { Metric, SearchStrategy } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { validateDraft, verifyApiError, verifyDevices } from '../search.model';
import type { SearchDraft } from '../search.model';
import { defaultTableIds, originOf, unusableBecause } from '../table-choice';
import type { ChoosableTable } from '../table-choice';
import { budgetInWords } from '@/lib/results/search-summary';
import { submitSearch } from '../searches.actions';

interface ModelOption {
  readonly id: string;
  readonly name: string;
  readonly sites: readonly { readonly name: string; readonly reference: string }[];
}

/** What a budget row bounds: a chosen table's metric, or the peak memory of a memory table's live-set rows. */
interface BudgetTarget {
  readonly metric: Metric;
  readonly unit: string;
  readonly deviceProfile: { readonly id: string; readonly name: string };
  readonly label: string;
  readonly peak?: boolean;
}

interface BudgetDraft {
  readonly enabled: boolean;
  readonly bound: 'MAX' | 'MIN';
  readonly of: 'TOTAL' | 'DELTA';
  readonly value: string;
}

const strategies: readonly SearchStrategy[] = ['ILP', 'EXACT', 'RANDOM', 'LZCM', 'NAIVE', 'PARETO'];
const lockChoices = ['reference', 'relu', 'silu', 'hardswish', 'relu6', 'leakyrelu'];

function ErrorText({ id, error }: { readonly id: string; readonly error: string | undefined }) {
  return error ? (
    <small id={id} className="field-error">
      {error}
    </small>
  ) : null;
}

export function SearchForm({ organizationId, orgSlug, projectId, models, tables }: { readonly organizationId: string; readonly orgSlug: string; readonly projectId: string; readonly models: readonly ModelOption[]; readonly tables: readonly ChoosableTable[] }) {
  const [state, action, pending] = useActionState(submitSearch, idle);
  const [modelId, setModelId] = useState(models[0]?.id ?? '');
  const model = models.find((m) => m.id === modelId);
  const usable = useMemo(() => tables.filter((t) => t.modelSpecName === model?.name), [tables, model]);
  const [tableIds, setTableIds] = useState<readonly string[]>(() => defaultTableIds(tables, organizationId, model?.name));
  const chosen = usable.filter((t) => tableIds.includes(t.id));
  const [objective, setObjective] = useState<{ sense: 'MIN' | 'MAX'; key: string }>({ sense: 'MIN', key: '' });
  const [budgets, setBudgets] = useState<Readonly<Record<string, BudgetDraft>>>({});
  const [strategy, setStrategy] = useState<SearchStrategy>('ILP');
  const [k, setK] = useState('5');
  const [diversity, setDiversity] = useState('1');
  const [locks, setLocks] = useState<ReadonlyMap<string, string>>(new Map());
  const [lockTo, setLockTo] = useState('reference');
  const [compare, setCompare] = useState(true);
  const [verifyRounds, setVerifyRounds] = useState('');
  const [verifyDeviceId, setVerifyDeviceId] = useState('');
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // Problems show from the first submit attempt on, then follow every edit.
  const [attempted, setAttempted] = useState(false);

  const keyOf = (t: { readonly metric: Metric; readonly deviceProfile: { readonly id: string } }): string => `${t.metric}@${t.deviceProfile.id}`;
  // A budget row per chosen table, and a peak-memory row per chosen memory table with live-set rows.
  const targets: readonly BudgetTarget[] = [
    ...chosen.map((t): BudgetTarget => ({ metric: t.metric, unit: t.unit, deviceProfile: t.deviceProfile, label: t.metric.toLowerCase() })),
    ...chosen.filter((t) => t.metric === 'MEMORY' && t.liveSetSteps).map((t): BudgetTarget => ({ metric: 'PEAK_MEMORY', unit: 'KB', deviceProfile: t.deviceProfile, label: 'peak memory', peak: true })),
  ];
  const objectiveKey = objective.key && chosen.some((t) => keyOf(t) === objective.key) ? objective.key : chosen.find((t) => t.metric === 'LATENCY') ? keyOf(chosen.find((t) => t.metric === 'LATENCY')!) : chosen[0] ? keyOf(chosen[0]) : '';
  const objectiveTable = chosen.find((t) => keyOf(t) === objectiveKey);
  // Verification defaults to the device of the chosen tables (the first, when they span several).
  const verifyChoices = verifyDevices(chosen);
  const verifyDevice = verifyChoices.find((d) => d.id === verifyDeviceId) ?? verifyChoices[0];
  const verifying = verifyRounds !== '';

  const draft: SearchDraft = {
    modelSpecId: modelId,
    costTableIds: chosen.map((t) => t.id),
    objective: { sense: objective.sense, metric: (objectiveTable?.metric ?? 'LATENCY') as Metric, deviceProfileId: objectiveTable?.deviceProfile.id ?? null },
    budgets: targets.flatMap((t) => {
      const b = budgets[keyOf(t)];
      return b?.enabled ? [{ metric: t.metric, deviceProfileId: t.deviceProfile.id, bound: t.peak ? 'MAX' : b.bound, of: t.peak ? 'TOTAL' : b.of, value: b.value.trim() === '' ? Number.NaN : Number(b.value) }] : [];
    }),
    strategy,
    k: Number(k),
    diversity: Number(diversity),
    locks: [...locks].map(([site, activation]) => ({ site, activation })),
    compare: compare && !verifying,
    verify: verifying ? { rounds: Number(verifyRounds), deviceProfileId: verifyDevice?.id ?? '' } : null,
    idempotencyKey,
  };

  // A partial table serves the search only while the sites it lacks are locked to their reference.
  const unusable = chosen.flatMap((t) => {
    const reason = unusableBecause(t, model, locks);
    return reason ? [`The ${t.metric.toLowerCase()} table v${t.version} on ${t.deviceProfile.name} is ${reason}.`] : [];
  });
  const validate = (): Record<string, string> => ({ ...validateDraft(draft, usable, model?.sites.length ?? 0), ...(unusable.length > 0 ? { tables: unusable.join(' ') } : {}) });
  const errors: Record<string, string> = attempted ? validate() : {};

  // Submitted by hand rather than through the form's action prop: React resets a form after its
  // action, which unticked the budgets and flipped selects back to their first option.
  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = validate();
    setAttempted(true);
    if (Object.keys(found).length > 0) {
      document.getElementById('search-errors')?.focus();
      return;
    }
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };

  const toggleLock = (site: string): void => {
    setLocks((current) => {
      const next = new Map(current);
      if (next.has(site)) next.delete(site);
      else next.set(site, lockTo === 'reference' ? (model?.sites.find((s) => s.name === site)?.reference ?? 'silu') : lockTo);
      return next;
    });
  };

  const errorList = [...new Set(Object.values(errors))];
  // The API's own answer on the verify fields, until the next submit.
  const verifyError = errors['verify'] ?? (pending ? undefined : verifyApiError(state.fieldErrors));
  const budgetRow = (t: BudgetTarget) => {
    const key = keyOf(t);
    // Accuracy budgets limit a loss: at least −x of change from the reference.
    const b = budgets[key] ?? (t.metric === 'ACCURACY' ? { enabled: false, bound: 'MIN', of: 'DELTA', value: '' } : { enabled: false, bound: 'MAX', of: 'TOTAL', value: '' });
    const set = (patch: Partial<BudgetDraft>): void => setBudgets((all) => ({ ...all, [key]: { ...b, ...patch } }));
    const value = b.value.trim() === '' ? Number.NaN : Number(b.value);
    const id = `budget-${t.metric}-${t.deviceProfile.id}`;
    const error = errors[id];
    return (
      <tr key={key}>
        <td>
          <label>
            <input type="checkbox" checked={b.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> {t.label} on {t.deviceProfile.name}
          </label>
          {t.peak ? <small className="muted"> the largest live set over the model&apos;s steps, exact from the table&apos;s live-set rows</small> : null}
        </td>
        <td>
          <label className="sr-only" htmlFor={`${id}-bound`}>
            Bound for {t.label} on {t.deviceProfile.name}
          </label>
          <select id={`${id}-bound`} value={t.peak ? 'MAX' : b.bound} disabled={!b.enabled || t.peak} onChange={(e) => set({ bound: e.target.value === 'MIN' ? 'MIN' : 'MAX' })}>
            <option value="MAX">at most</option>
            <option value="MIN">at least</option>
          </select>
        </td>
        <td>
          <label className="sr-only" htmlFor={`${id}-value`}>
            Budget value for {t.label} on {t.deviceProfile.name} ({t.unit})
          </label>
          <input id={`${id}-value`} inputMode="decimal" value={b.value} disabled={!b.enabled} placeholder={t.metric === 'ACCURACY' ? '-0.005' : undefined} onChange={(e) => set({ value: e.target.value })} aria-invalid={error ? true : undefined} aria-describedby={`${id}-words${error ? ` ${id}-error` : ''}`} style={{ width: '9rem' }} /> {t.unit}
          <small id={`${id}-words`} className="hint" style={{ display: 'block' }} data-testid={`${id}-words`}>
            {b.enabled && Number.isFinite(value) ? `= ${budgetInWords(t.metric, b.bound, b.of, value, t.unit)}` : ''}
          </small>
          <ErrorText id={`${id}-error`} error={error} />
        </td>
        <td>
          <label className="sr-only" htmlFor={`${id}-of`}>
            Budget applies to
          </label>
          <select id={`${id}-of`} value={t.peak ? 'TOTAL' : b.of} disabled={!b.enabled || t.peak} onChange={(e) => set({ of: e.target.value === 'DELTA' ? 'DELTA' : 'TOTAL' })}>
            <option value="TOTAL">model total</option>
            <option value="DELTA">change from reference</option>
          </select>
        </td>
      </tr>
    );
  };

  const ownTables = usable.filter((t) => originOf(t, organizationId) === null);
  const otherTables = usable.filter((t) => originOf(t, organizationId) !== null);
  const tableBox = (t: (typeof usable)[number]) => {
    const origin = originOf(t, organizationId);
    const reason = unusableBecause(t, model, locks);
    return (
      <label key={t.id}>
        <input type="checkbox" checked={tableIds.includes(t.id)} disabled={reason !== null && !tableIds.includes(t.id)} onChange={(e) => setTableIds((ids) => (e.target.checked ? [...ids, t.id] : ids.filter((id) => id !== t.id)))} /> {t.metric.toLowerCase()} · {t.deviceProfile.name} · v{t.version}
        {t.metric === 'MEMORY' && t.liveSetSteps ? ' · live-set rows' : ''}
        {origin ? <span className="muted"> ({origin})</span> : null}
        {reason ? <span className="muted"> — {reason}</span> : null}
      </label>
    );
  };
  return (
    <form onSubmit={onSubmit} noValidate aria-busy={pending}>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <input type="hidden" name="projectId" value={projectId} />
      <input type="hidden" name="draft" value={JSON.stringify(draft)} />
      <FormMessage state={state} />
      <div id="search-errors" tabIndex={-1} role="alert" className={errorList.length ? 'alert error' : 'sr-only'}>
        {errorList.length ? (
          <>
            <p className="label">Fix these before submitting:</p>
            <ul>
              {errorList.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>

      <div className="grid-2">
        <div className="field">
          <label htmlFor="search-model">Model</label>
          <select
            id="search-model"
            value={modelId}
            onChange={(e) => {
              setModelId(e.target.value);
              setTableIds(defaultTableIds(tables, organizationId, models.find((m) => m.id === e.target.value)?.name));
              setLocks(new Map());
            }}
            aria-invalid={errors['model'] ? true : undefined}
          >
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.sites.length} sites)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-strategy">Strategy</label>
          <select id="search-strategy" value={strategy} onChange={(e) => setStrategy(strategies.find((s) => s === e.target.value) ?? 'ILP')} aria-invalid={errors['strategy'] ? true : undefined} aria-describedby={errors['strategy'] ? 'search-strategy-error' : undefined}>
            {strategies.map((s) => (
              <option key={s} value={s}>
                {s === 'ILP' ? 'ILP (optimal)' : s === 'LZCM' ? 'LZCM (paper)' : s === 'NAIVE' ? 'naive (paper)' : s.toLowerCase()}
              </option>
            ))}
          </select>
          <ErrorText id="search-strategy-error" error={errors['strategy']} />
        </div>
        <div className="field">
          <label htmlFor="search-k">Proposals (k)</label>
          <input id="search-k" type="number" min={1} max={50} value={k} onChange={(e) => setK(e.target.value)} aria-invalid={errors['k'] ? true : undefined} aria-describedby={errors['k'] ? 'search-k-error' : undefined} />
          <ErrorText id="search-k-error" error={errors['k']} />
        </div>
        <div className="field">
          <label htmlFor="search-diversity">Diversity (sites by which any two proposals differ)</label>
          <input id="search-diversity" type="number" min={1} value={diversity} onChange={(e) => setDiversity(e.target.value)} aria-invalid={errors['diversity'] ? true : undefined} aria-describedby={errors['diversity'] ? 'search-diversity-error' : undefined} />
          <ErrorText id="search-diversity-error" error={errors['diversity']} />
        </div>
      </div>

      <fieldset aria-describedby={errors['tables'] ? 'search-tables-error' : undefined}>
        <legend>Cost tables (one per metric and device)</legend>
        {usable.length === 0 ? <p className="muted">No tables for this model yet.</p> : null}
        <div className="checks">{ownTables.map(tableBox)}</div>
        {otherTables.length > 0 ? (
          // Other organizations' tables are offered but folded away: they are never a default.
          <details className="other-tables">
            <summary>Tables of devices shared with us or in the public catalog ({otherTables.length})</summary>
            <div className="checks">{otherTables.map(tableBox)}</div>
          </details>
        ) : null}
        <ErrorText id="search-tables-error" error={errors['tables']} />
      </fieldset>

      <fieldset aria-describedby={errors['objective'] ? 'search-objective-error' : undefined}>
        <legend>Objective</legend>
        <div className="row-actions">
          <label className="sr-only" htmlFor="search-sense">
            Minimise or maximise
          </label>
          <select id="search-sense" value={objective.sense} onChange={(e) => setObjective((o) => ({ ...o, sense: e.target.value === 'MAX' ? 'MAX' : 'MIN' }))}>
            <option value="MIN">minimise</option>
            <option value="MAX">maximise</option>
          </select>
          <label className="sr-only" htmlFor="search-objective">
            Objective metric
          </label>
          <select id="search-objective" value={objectiveKey} onChange={(e) => setObjective((o) => ({ ...o, key: e.target.value }))}>
            {chosen.map((t) => (
              <option key={t.id} value={keyOf(t)}>
                {t.metric.toLowerCase()} on {t.deviceProfile.name}
              </option>
            ))}
          </select>
        </div>
        <ErrorText id="search-objective-error" error={errors['objective']} />
      </fieldset>

      <fieldset aria-describedby="budget-signs">
        <legend>Budgets per device</legend>
        <p id="budget-signs" className="hint">
          A change is candidate − reference, so a negative accuracy change is a loss. &ldquo;Accuracy at least −0.005 mAP, change from reference&rdquo; allows losing up to 0.005 mAP;
          &ldquo;latency at most 800 ms, model total&rdquo; caps the whole model.
        </p>
        {chosen.length === 0 ? (
          <p className="muted">Choose tables first.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col">Bound</th>
                <th scope="col">Value</th>
                <th scope="col">Of</th>
              </tr>
            </thead>
            <tbody>{targets.map(budgetRow)}</tbody>
          </table>
        )}
      </fieldset>

      <fieldset aria-describedby={errors['locks'] ? 'search-locks-error' : undefined}>
        <legend>Locks: click sites to keep them fixed</legend>
        <div className="field" style={{ maxWidth: 280 }}>
          <label htmlFor="search-lock-to">Lock clicked sites to</label>
          <select id="search-lock-to" value={lockTo} onChange={(e) => setLockTo(e.target.value)}>
            {lockChoices.map((c) => (
              <option key={c} value={c}>
                {c === 'reference' ? 'their reference activation' : c}
              </option>
            ))}
          </select>
        </div>
        {model ? (
          <ActivationStrip
            label={`${model.name}: ${model.sites.length} sites (locked sites show their lock)`}
            sites={model.sites.map((s) => ({ site: s.name, activation: locks.get(s.name) ?? s.reference }))}
            locked={new Set(locks.keys())}
            onToggleLock={toggleLock}
          />
        ) : null}
        <ErrorText id="search-locks-error" error={errors['locks']} />
      </fieldset>

      <fieldset aria-describedby={`search-verify-hint${verifyError ? ' search-verify-error' : ''}`}>
        <legend>Verify on a device</legend>
        <p id="search-verify-hint" className="hint">
          Each round&apos;s proposals are measured whole by an agent; a budget they break as measured is tightened by the measured residual and the search runs again. The version is stored when the loop ends.
        </p>
        <div className="grid-2">
          <div className="field">
            <label htmlFor="search-verify-rounds">Verification rounds</label>
            <select id="search-verify-rounds" value={verifyRounds} onChange={(e) => setVerifyRounds(e.target.value)} aria-invalid={verifyError ? true : undefined}>
              <option value="">off</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={String(n)}>
                  {n} round{n === 1 ? '' : 's'}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="search-verify-device">Verify on device</label>
            <select id="search-verify-device" value={verifyDevice?.id ?? ''} disabled={!verifying} onChange={(e) => setVerifyDeviceId(e.target.value)} aria-invalid={verifyError ? true : undefined}>
              {verifyChoices.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ErrorText id="search-verify-error" error={verifyError} />
      </fieldset>

      <div className="checks" style={{ marginBottom: '0.75rem' }}>
        <label>
          <input type="checkbox" checked={compare && !verifying} disabled={verifying} onChange={(e) => setCompare(e.target.checked)} /> Also run the paper&apos;s LZCM and naive strategies for comparison (each becomes a version of its own)
          {verifying ? <small className="muted"> — not with verification</small> : null}
        </label>
      </div>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {pending ? 'Submitting…' : 'Run search'}
      </button>
    </form>
  );
}

'use client';

import { startTransition, useActionState, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { RowErrors } from '@/components/cost-table/row-errors';
import { FormMessage } from '@/components/form/form-message';
import type { Metric } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { checkTable, publishTable } from '../tables.actions';
import type { TableCheck } from '../tables.actions';
import { TablePreview } from './table-preview';
import type { ChosenFile } from './table-preview';

interface Option {
  readonly id: string;
  readonly name: string;
}

type CheckState = { readonly status: 'idle' } | { readonly status: 'checking' } | { readonly status: 'done'; readonly check: TableCheck } | { readonly status: 'failed'; readonly message: string };

const metrics: readonly Metric[] = ['LATENCY', 'MEMORY', 'ACCURACY'];

/** Why Publish is off, or null when it may be pressed (no file yet: pressing it says so). */
function blockedBecause(check: CheckState, partial: boolean): string | null {
  if (check.status === 'checking') return 'Checking the file…';
  if (check.status !== 'done') return null;
  const { issueCount, missingSites } = check.check;
  if (issueCount > 0) return `Publishing is off until the file's ${issueCount} problem${issueCount === 1 ? ' is' : 's are'} fixed.`;
  if (missingSites.length > 0 && !partial) return 'Publishing is off: add the missing sites, or publish it as a partial table.';
  return null;
}

/**
 * The upload form: every field and the chosen file survive a rejected publish (the action is
 * dispatched without resetting the form), the API checks the file as soon as it is chosen so the
 * preview's problems are the API's own, and Publish stays off while there are any.
 */
export function TableUploadForm({ organizationId, orgSlug, devices, models }: { readonly organizationId: string; readonly orgSlug: string; readonly devices: readonly Option[]; readonly models: readonly Option[] }) {
  const [state, dispatch, pending] = useActionState(publishTable, idle);
  const [deviceProfileId, setDeviceProfileId] = useState(devices[0]?.id ?? '');
  const [modelSpecId, setModelSpecId] = useState(models[0]?.id ?? '');
  const [metric, setMetric] = useState<Metric>('LATENCY');
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [check, setCheck] = useState<CheckState>({ status: 'idle' });
  const [partial, setPartial] = useState(false);
  const [noFile, setNoFile] = useState(false);
  const [submitted, setSubmitted] = useState<ChosenFile | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const latestCheck = useRef(0);

  useEffect(() => {
    if (!file || !modelSpecId) {
      setCheck({ status: 'idle' });
      return;
    }
    const run = ++latestCheck.current;
    setCheck({ status: 'checking' });
    void checkTable({ orgSlug, modelSpecId, metric, format: file.format, content: file.text }).then(
      (answer) => {
        if (run !== latestCheck.current) return;
        setCheck('check' in answer ? { status: 'done', check: answer.check } : { status: 'failed', message: answer.error });
      },
      () => run === latestCheck.current && setCheck({ status: 'failed', message: 'The file could not be checked; publishing will check it.' }),
    );
  }, [file, modelSpecId, metric, orgSlug]);

  const blocked = blockedBecause(check, partial);
  // A rejection belongs to the file it was about; choosing another file clears it.
  const outcome = submitted === file ? state : idle;

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!file) {
      setNoFile(true);
      fileInput.current?.focus();
      return;
    }
    if (blocked) return;
    const form = new FormData(event.currentTarget);
    setSubmitted(file);
    startTransition(() => dispatch(form));
  };

  const select = (name: string, label: string, value: string, onChange: (value: string) => void, options: readonly Option[]) => (
    <div className="field">
      <label htmlFor={`table-${name}`}>{label}</label>
      <select id={`table-${name}`} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={outcome.fieldErrors?.[name] ? true : undefined}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {outcome.fieldErrors?.[name] ? <small className="field-error">{outcome.fieldErrors[name]}</small> : null}
    </div>
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <input type="hidden" name="content" value={file?.text ?? ''} />
      <input type="hidden" name="format" value={file?.format ?? 'CSV'} />
      <input type="hidden" name="partial" value={String(partial && check.status === 'done' && check.check.missingSites.length > 0)} />
      <FormMessage state={outcome} />
      <RowErrors errors={outcome.rowErrors ?? []} title="The API rejected the file" />
      <div className="grid-2">
        {select('deviceProfileId', 'Device profile', deviceProfileId, setDeviceProfileId, devices)}
        {select('modelSpecId', 'Model', modelSpecId, setModelSpecId, models)}
        <div className="field">
          <label htmlFor="table-metric">Metric</label>
          <select id="table-metric" name="metric" value={metric} onChange={(e) => setMetric(metrics.find((m) => m === e.target.value) ?? 'LATENCY')}>
            <option value="LATENCY">latency</option>
            <option value="MEMORY">memory</option>
            <option value="ACCURACY">accuracy</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="table-source">Provenance</label>
          <select id="table-source" name="source" defaultValue="IMPORTED">
            <option value="MEASURED">measured</option>
            <option value="IMPORTED">imported</option>
            <option value="ESTIMATED">estimated</option>
            <option value="SYNTHETIC">synthetic</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="field-producer">Measured with (optional)</label>
          <input id="field-producer" name="producer" placeholder="e.g. onnxruntime-node 1.30" />
        </div>
        <div className="field">
          <label htmlFor="field-runs">Runs per cell (optional)</label>
          <input id="field-runs" name="runs" type="number" min={1} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="field-note">Note (optional)</label>
        <input id="field-note" name="note" />
      </div>
      <TablePreview
        ref={fileInput}
        metric={metric}
        file={file}
        onFile={(chosen) => {
          setFile(chosen);
          setPartial(false);
          setNoFile(false);
        }}
        fileError={noFile && !file ? 'Choose a CSV or JSON file first.' : (outcome.fieldErrors?.['content'] ?? null)}
        checking={check.status === 'checking'}
        check={check.status === 'done' ? check.check : null}
        checkError={check.status === 'failed' ? check.message : null}
        localOnly={models.length === 0}
        partial={partial}
        onPartial={setPartial}
      />
      <div className="row-actions">
        <button type="submit" className="button primary" disabled={pending || blocked !== null} aria-busy={pending} aria-describedby={blocked ? 'publish-blocked' : undefined}>
          {pending ? 'Publishing…' : 'Publish table'}
        </button>
        {blocked ? (
          <small id="publish-blocked" className="hint">
            {blocked}
          </small>
        ) : null}
      </div>
    </form>
  );
}

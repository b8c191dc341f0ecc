'use client';

import { useActionState, useState } from 'react';
import { RowErrors } from '@/components/cost-table/row-errors';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { publishTable } from '../tables.actions';
import { TablePreview } from './table-preview';

interface Option {
  readonly id: string;
  readonly name: string;
}

export function TableUploadForm({ organizationId, orgSlug, devices, models }: { readonly organizationId: string; readonly orgSlug: string; readonly devices: readonly Option[]; readonly models: readonly Option[] }) {
  const [state, action] = useActionState(publishTable, idle);
  const [metric, setMetric] = useState('LATENCY');
  const select = (name: string, label: string, options: readonly Option[]) => (
    <div className="field">
      <label htmlFor={`table-${name}`}>{label}</label>
      <select id={`table-${name}`} name={name} defaultValue={state.values?.[name] ?? options[0]?.id} aria-invalid={state.fieldErrors?.[name] ? true : undefined}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      {state.fieldErrors?.[name] ? <small className="field-error">{state.fieldErrors[name]}</small> : null}
    </div>
  );
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <RowErrors errors={state.rowErrors ?? []} title="The API rejected the file: problems by row and column" />
      <div className="grid-2">
        {select('deviceProfileId', 'Device profile', devices)}
        {select('modelSpecId', 'Model', models)}
        <div className="field">
          <label htmlFor="table-metric">Metric</label>
          <select id="table-metric" name="metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
            <option value="LATENCY">latency</option>
            <option value="MEMORY">memory</option>
            <option value="ACCURACY">accuracy</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="table-source">Provenance</label>
          <select id="table-source" name="source" defaultValue={state.values?.['source'] ?? 'IMPORTED'}>
            <option value="MEASURED">measured</option>
            <option value="IMPORTED">imported</option>
            <option value="ESTIMATED">estimated</option>
            <option value="SYNTHETIC">synthetic</option>
          </select>
        </div>
        <Field name="producer" label="Measured with (optional)" placeholder="e.g. onnxruntime-node 1.30" state={state} />
        <Field name="runs" label="Runs per cell (optional)" type="number" min={1} state={state} />
      </div>
      <Field name="note" label="Note (optional)" state={state} />
      <TablePreview metric={metric} />
      {state.fieldErrors?.['content'] ? <p className="field-error">{state.fieldErrors['content']}</p> : null}
      <SubmitButton>Publish table</SubmitButton>
    </form>
  );
}

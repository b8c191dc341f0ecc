'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { createJob } from './jobs.actions';

interface Option {
  readonly id: string;
  readonly name: string;
}

export function JobForm({ organizationId, orgSlug, devices, models }: { readonly organizationId: string; readonly orgSlug: string; readonly devices: readonly Option[]; readonly models: readonly Option[] }) {
  const [state, action] = useActionState(createJob, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <div className="grid-2">
        <div className="field">
          <label htmlFor="job-device">Device profile</label>
          <select id="job-device" name="deviceProfileId">
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="job-model">Model</label>
          <select id="job-model" name="modelSpecId">
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>Metrics to measure</legend>
        <div className="checks">
          {(['LATENCY', 'MEMORY', 'ACCURACY'] as const).map((m) => (
            <label key={m}>
              <input type="checkbox" name="metrics" value={m} defaultChecked={m === 'LATENCY'} /> {m.toLowerCase()}
            </label>
          ))}
        </div>
        {state.fieldErrors?.['metrics'] ? <small className="field-error">{state.fieldErrors['metrics']}</small> : null}
      </fieldset>
      <SubmitButton>Start profiling job</SubmitButton>
    </form>
  );
}

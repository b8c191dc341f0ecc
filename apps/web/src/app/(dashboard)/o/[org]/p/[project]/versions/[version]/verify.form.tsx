'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import type { FormState } from '@/lib/forms/form-state';
import { verifyOnDevice } from './verification.actions';

interface DeviceOption {
  readonly id: string;
  readonly name: string;
  /** The metrics it has tables for, e.g. `latency, memory`. */
  readonly metrics: string;
}

/** An API error on a field of the mutation (e.g. `ranks.0`) belongs to that form field. */
const fieldError = (state: FormState, name: string): string | undefined => Object.entries(state.fieldErrors ?? {}).find(([key]) => key === name || key.startsWith(`${name}.`))?.[1];

export function VerifyForm({ organizationId, proposalSetId, versionPath, devices, defaultRanks, proposalCount }: { readonly organizationId: string; readonly proposalSetId: string; readonly versionPath: string; readonly devices: readonly DeviceOption[]; readonly defaultRanks: string; readonly proposalCount: number }) {
  const [state, action] = useActionState(verifyOnDevice, idle);
  const deviceError = fieldError(state, 'deviceProfileId');
  const ranksError = fieldError(state, 'ranks');
  return (
    <form action={action} noValidate data-testid="verify-form">
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="proposalSetId" value={proposalSetId} />
      <input type="hidden" name="versionPath" value={versionPath} />
      <FormMessage state={state} />
      <div className="grid-2">
        <div className="field">
          <label htmlFor="verify-device">Device profile</label>
          <select id="verify-device" name="deviceProfileId" defaultValue={state.values?.['deviceProfileId'] ?? devices[0]?.id} aria-invalid={deviceError ? true : undefined} aria-describedby={deviceError ? 'verify-device-error' : undefined}>
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.metrics})
              </option>
            ))}
          </select>
          {deviceError ? (
            <small id="verify-device-error" className="field-error">
              {deviceError}
            </small>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="verify-ranks">Ranks to verify</label>
          <input id="verify-ranks" name="ranks" defaultValue={state.values?.['ranks'] ?? defaultRanks} aria-invalid={ranksError ? true : undefined} aria-describedby={ranksError ? 'verify-ranks-error verify-ranks-hint' : 'verify-ranks-hint'} />
          <small id="verify-ranks-hint" className="hint">
            e.g. 1-3 or 1, 4 (this version has {proposalCount} proposal{proposalCount === 1 ? '' : 's'})
          </small>
          {ranksError ? (
            <small id="verify-ranks-error" className="field-error">
              {ranksError}
            </small>
          ) : null}
        </div>
      </div>
      <SubmitButton>Verify on device</SubmitButton>
    </form>
  );
}

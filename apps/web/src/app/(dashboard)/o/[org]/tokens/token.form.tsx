'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { createToken } from './tokens.actions';

const scopes = [
  { value: 'READ', label: 'read' },
  { value: 'SEARCH_WRITE', label: 'search:write' },
  { value: 'DEVICES_WRITE', label: 'devices:write' },
  { value: 'AGENT', label: 'agent' },
] as const;

export function TokenForm({ organizationId, orgSlug }: { readonly organizationId: string; readonly orgSlug: string }) {
  const [state, action] = useActionState(createToken, idle);
  const scopeError = state.fieldErrors?.['scopes'];
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      {state.secret ? (
        <div>
          <p className="label" id="token-secret-label">
            Secret (shown once)
          </p>
          <output className="secret" aria-labelledby="token-secret-label" data-testid="token-secret">
            {state.secret}
          </output>
        </div>
      ) : null}
      <Field name="name" label="Token name" required state={state} />
      <fieldset aria-describedby={scopeError ? 'scopes-error' : undefined}>
        <legend>Scopes</legend>
        <div className="checks">
          {scopes.map((s) => (
            <label key={s.value}>
              <input type="checkbox" name="scopes" value={s.value} defaultChecked={s.value === 'READ'} /> {s.label}
            </label>
          ))}
        </div>
        {scopeError ? (
          <small id="scopes-error" className="field-error">
            {scopeError}
          </small>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor="token-expiry">Expires</label>
        <select id="token-expiry" name="expiresInDays" defaultValue="90">
          <option value="7">in 7 days</option>
          <option value="30">in 30 days</option>
          <option value="90">in 90 days</option>
          <option value="365">in a year</option>
          <option value="0">never</option>
        </select>
      </div>
      <SubmitButton>Create token</SubmitButton>
    </form>
  );
}

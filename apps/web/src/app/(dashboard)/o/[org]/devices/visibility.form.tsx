'use client';

import { useActionState, useState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import type { Visibility } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { setVisibility } from './devices.actions';

export function VisibilityForm({ organizationId, orgSlug, id, visibility, sharedWith }: { readonly organizationId: string; readonly orgSlug: string; readonly id: string; readonly visibility: Visibility; readonly sharedWith: readonly string[] }) {
  const [state, action] = useActionState(setVisibility, idle);
  const [choice, setChoice] = useState<Visibility>(visibility);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <input type="hidden" name="id" value={id} />
      <FormMessage state={state} />
      <fieldset>
        <legend>Who may use this profile and its tables</legend>
        <div className="checks">
          {(['PRIVATE', 'SHARED', 'PUBLIC'] as const).map((v) => (
            <label key={v}>
              <input type="radio" name="visibility" value={v} checked={choice === v} onChange={() => setChoice(v)} />{' '}
              {v === 'PRIVATE' ? 'Private (this organization)' : v === 'SHARED' ? 'Shared with named organizations' : 'Public catalog'}
            </label>
          ))}
        </div>
      </fieldset>
      {choice === 'SHARED' ? <Field name="sharedWith" label="Organization slugs" hint="Comma-separated, e.g. acme-vision, edge-lab. They can use it but never edit it." defaultValue={sharedWith.join(', ')} state={state} /> : null}
      <SubmitButton>Update sharing</SubmitButton>
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { renameOrganization } from './settings.actions';

export function RenameOrganizationForm({ organizationId, orgSlug, name }: { readonly organizationId: string; readonly orgSlug: string; readonly name: string }) {
  const [state, action] = useActionState(renameOrganization, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <Field name="name" label="Organization name" required defaultValue={name} state={state} />
      <SubmitButton>Rename</SubmitButton>
    </form>
  );
}

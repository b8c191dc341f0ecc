'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { createOrganization } from './organization.actions';

export function OrganizationForm() {
  const [state, action] = useActionState(createOrganization, idle);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="name" label="Organization name" required state={state} />
      <Field name="slug" label="Slug" required pattern="[a-z0-9-]{3,64}" hint="Lower-case letters, digits and dashes, 3 to 64 characters; appears in URLs." state={state} />
      <SubmitButton>Create organization</SubmitButton>
    </form>
  );
}

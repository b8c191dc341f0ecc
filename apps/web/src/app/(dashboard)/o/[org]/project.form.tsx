'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { createProject } from './projects.actions';

export function ProjectForm({ organizationId, orgSlug }: { readonly organizationId: string; readonly orgSlug: string }) {
  const [state, action] = useActionState(createProject, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <Field name="name" label="Project name" required state={state} />
      <Field name="description" label="Description" state={state} />
      <SubmitButton>Create project</SubmitButton>
    </form>
  );
}

'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { acceptInvitation } from './invitation.actions';

export function AcceptInvitationForm() {
  const [state, action] = useActionState(acceptInvitation, idle);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="token" label="Invitation token" autoComplete="off" required state={state} />
      <SubmitButton>Join organization</SubmitButton>
    </form>
  );
}

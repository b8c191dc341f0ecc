'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { signUp } from '../auth.actions';

export function SignUpForm({ next }: { readonly next: string | null }) {
  const [state, action] = useActionState(signUp, idle);
  return (
    <form action={action} noValidate>
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <FormMessage state={state} />
      <Field name="name" label="Name" autoComplete="name" required state={state} />
      <Field name="email" label="Email" type="email" autoComplete="email" required state={state} />
      <Field name="password" label="Password" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters." state={state} />
      <SubmitButton>Create account</SubmitButton>
    </form>
  );
}

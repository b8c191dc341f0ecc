'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { changePassword, renameAccount } from './account.actions';

export function AccountNameForm({ name }: { readonly name: string }) {
  const [state, action] = useActionState(renameAccount, idle);
  return (
    <form action={action} noValidate>
      <FormMessage state={state} />
      <Field name="name" label="Your name" autoComplete="name" required defaultValue={name} state={state} />
      <SubmitButton>Save name</SubmitButton>
    </form>
  );
}

export function PasswordForm({ email }: { readonly email: string }) {
  const [state, action] = useActionState(changePassword, idle);
  return (
    <form action={action} noValidate>
      {/* Lets password managers file the new password under the right account. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <FormMessage state={state} />
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required state={state} />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters." state={state} />
      <Field name="repeatPassword" label="New password again" type="password" autoComplete="new-password" required state={state} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}

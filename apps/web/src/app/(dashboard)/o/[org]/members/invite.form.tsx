'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { invite } from './members.actions';

export function InviteForm({ organizationId, orgSlug }: { readonly organizationId: string; readonly orgSlug: string }) {
  const [state, action] = useActionState(invite, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      {state.secret ? (
        <p className="secret" aria-label="Invitation token">
          {state.secret}
        </p>
      ) : null}
      <Field name="email" label="Email" type="email" required state={state} />
      <div className="field">
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" name="role" defaultValue="MEMBER">
          <option value="VIEWER">viewer</option>
          <option value="MEMBER">member</option>
          <option value="ADMIN">admin</option>
          <option value="OWNER">owner</option>
        </select>
      </div>
      <SubmitButton>Invite</SubmitButton>
    </form>
  );
}

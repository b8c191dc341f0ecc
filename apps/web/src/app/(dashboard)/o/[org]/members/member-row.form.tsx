'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import type { Role } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { changeRole, removeMember } from './members.actions';

const roles: readonly Role[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];

export function MemberRowForms({ organizationId, orgSlug, membershipId, role, who }: { readonly organizationId: string; readonly orgSlug: string; readonly membershipId: string; readonly role: Role; readonly who: string }) {
  const [roleState, roleAction] = useActionState(changeRole, idle);
  const [removeState, removeAction] = useActionState(removeMember, idle);
  const hidden = (
    <>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <input type="hidden" name="membershipId" value={membershipId} />
    </>
  );
  return (
    <div className="row-actions">
      <form action={roleAction} className="row-actions">
        {hidden}
        <label className="sr-only" htmlFor={`role-${membershipId}`}>
          Role of {who}
        </label>
        <select id={`role-${membershipId}`} name="role" defaultValue={role}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r.toLowerCase()}
            </option>
          ))}
        </select>
        <SubmitButton variant="plain">Change role</SubmitButton>
      </form>
      <form action={removeAction}>
        {hidden}
        <SubmitButton variant="danger">Remove</SubmitButton>
      </form>
      <FormMessage state={roleState.status === 'idle' ? removeState : roleState} />
    </div>
  );
}

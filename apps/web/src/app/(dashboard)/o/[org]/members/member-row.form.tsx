'use client';

import { useActionState } from 'react';
import { ConfirmAction } from '@/components/form/confirm-action';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import type { Role } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { changeRole, removeMember } from './members.actions';

const roles: readonly Role[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];

export function MemberRowForms({ organizationId, orgSlug, membershipId, role, who, organizationName }: { readonly organizationId: string; readonly orgSlug: string; readonly membershipId: string; readonly role: Role; readonly who: string; readonly organizationName: string }) {
  const [roleState, roleAction] = useActionState(changeRole, idle);
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
      <ConfirmAction action={removeMember} fields={{ organizationId, orgSlug, membershipId }} trigger="Remove" triggerLabel={`Remove ${who}`} title={`Remove ${who} from ${organizationName}?`} confirm="Remove member">
        <p>They lose access to its projects, device profiles, cost tables and searches at once. What they created stays. To let them back in, invite them again.</p>
      </ConfirmAction>
      <FormMessage state={roleState} />
    </div>
  );
}

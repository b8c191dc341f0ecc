import { TableWrap } from '@/components/form/table-wrap';
import type { Metadata } from 'next';
import { OrganizationInvitationsDocument, OrganizationMembersDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { InviteForm } from './invite.form';
import { MemberRowForms } from './member-row.form';
import { ConfirmAction } from '@/components/form/confirm-action';
import { revokeInvitation } from './members.actions';

export const metadata: Metadata = { title: 'Members' };

export default async function MembersPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(OrganizationMembersDocument, { slug: org });
  const admin = organization.viewerRole === 'ADMIN' || organization.viewerRole === 'OWNER';
  const invitations = admin ? (await load(OrganizationInvitationsDocument, { slug: org })).organization.invitations.nodes : [];
  return (
    <>
      <h1>Members and roles</h1>
      <TableWrap label="Members" className="panel">
        <table>
          <caption className="sr-only">Members of this organization</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {admin ? <th scope="col">Manage</th> : null}
            </tr>
          </thead>
          <tbody>
            {organization.members.nodes.map((m) => (
              <tr key={m.id}>
                <td>{m.user.name}</td>
                <td>{m.user.email}</td>
                <td>
                  <span className="badge">{m.role.toLowerCase()}</span>
                </td>
                {admin ? (
                  <td>
                    <MemberRowForms organizationId={organization.id} orgSlug={org} membershipId={m.id} role={m.role} who={m.user.name} organizationName={organization.name} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {admin ? (
        <div className="grid-2">
          <section className="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">Invite someone</h2>
            <InviteForm organizationId={organization.id} orgSlug={org} />
          </section>
          <section className="panel" aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">Invitations</h2>
            {invitations.length === 0 ? <p className="muted">None pending.</p> : null}
            <ul>
              {invitations.map((i) => (
                <li key={i.id}>
                  {i.email} as {i.role.toLowerCase()} —{' '}
                  {i.acceptedAt ? 'accepted' : i.revokedAt ? 'revoked' : `expires ${i.expiresAt.slice(0, 10)}`}
                  {!i.acceptedAt && !i.revokedAt ? (
                    <span style={{ marginLeft: '0.5rem' }}>
                      <ConfirmAction
                        action={revokeInvitation}
                        fields={{ organizationId: organization.id, orgSlug: org, id: i.id }}
                        trigger="Revoke"
                        triggerVariant="plain"
                        triggerLabel={`Revoke the invitation of ${i.email}`}
                        title={`Revoke the invitation of ${i.email}?`}
                        confirm="Revoke invitation"
                      >
                        <p>The invitation token they were given stops working. You can invite them again later.</p>
                      </ConfirmAction>
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        </div>
      ) : null}
    </>
  );
}

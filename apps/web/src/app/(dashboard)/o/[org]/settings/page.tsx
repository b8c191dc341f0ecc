import type { Metadata } from 'next';
import Link from 'next/link';
import { ConfirmAction } from '@/components/form/confirm-action';
import { TableWrap } from '@/components/form/table-wrap';
import { OrganizationAuditDocument, OrganizationSettingsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { RenameOrganizationForm } from './rename.form';
import { leaveOrganization } from './settings.actions';

export const metadata: Metadata = { title: 'Organization settings' };

const when = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

export default async function OrganizationSettingsPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { me, organization } = await load(OrganizationSettingsDocument, { slug: org });
  const admin = organization.viewerRole === 'ADMIN' || organization.viewerRole === 'OWNER';
  const audit = admin ? (await load(OrganizationAuditDocument, { slug: org })).organization.auditEvents.nodes : [];
  const membership = organization.members.nodes.find((m) => m.user.id === me.id);
  const owners = organization.members.nodes.filter((m) => m.role === 'OWNER').length;
  return (
    <>
      <h1>Settings of {organization.name}</h1>
      <div className="grid-2">
        <section className="panel" aria-labelledby="org-heading">
          <h2 id="org-heading">Organization</h2>
          <dl className="provenance">
            <dt className="label">Slug (in its addresses)</dt>
            <dd>
              <code>{organization.slug}</code>
            </dd>
            <dt className="label">Your role</dt>
            <dd>{organization.viewerRole?.toLowerCase() ?? '—'}</dd>
            <dt className="label">Created</dt>
            <dd>{organization.createdAt.slice(0, 10)}</dd>
            <dt className="label">Members</dt>
            <dd>
              <Link href={`/o/${org}/members`}>{organization.members.nodes.length}</Link>
            </dd>
          </dl>
          {admin ? (
            <RenameOrganizationForm organizationId={organization.id} orgSlug={org} name={organization.name} />
          ) : (
            <p className="muted">Admins and owners rename the organization and manage members and API tokens.</p>
          )}
        </section>
        {membership ? (
          <section className="panel" aria-labelledby="leave-heading">
            <h2 id="leave-heading">Leave</h2>
            <p>
              You lose access to its projects, devices and tables at once; what you created stays with the organization.
              {membership.role === 'OWNER' && owners === 1 ? ' You are its only owner: make someone else an owner first, or the API will refuse.' : ''}
            </p>
            <ConfirmAction action={leaveOrganization} fields={{ organizationId: organization.id, membershipId: membership.id }} trigger="Leave this organization…" title={`Leave ${organization.name}?`} confirm="Leave organization">
              <p>You will no longer see anything of {organization.name}. To come back, an admin has to invite you again.</p>
            </ConfirmAction>
          </section>
        ) : null}
      </div>
      {admin ? (
        <section className="panel" aria-labelledby="audit-heading">
          <h2 id="audit-heading">Recent changes</h2>
          {audit.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <TableWrap label="Recent changes">
              <table>
                <caption className="sr-only">The latest changes in this organization, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {audit.map((e) => (
                    <tr key={e.id}>
                      <td>{when(e.createdAt)}</td>
                      <td>{e.actor.user?.name ?? (e.actor.apiTokenPrefix ? `token ${e.actor.apiTokenPrefix}…` : '—')}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      ) : null}
    </>
  );
}

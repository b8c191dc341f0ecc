import { TableWrap } from '@/components/form/table-wrap';
import type { Metadata } from 'next';
import { ApiTokensDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { TokenForm } from './token.form';
import { ConfirmAction } from '@/components/form/confirm-action';
import { revokeToken } from './tokens.actions';

export const metadata: Metadata = { title: 'API tokens' };

const when = (iso: string | null | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

export default async function TokensPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(ApiTokensDocument, { slug: org });
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">For CI jobs and device agents. The secret is shown once when you create a token; only its hash is stored.</p>
      <div className="grid-2">
        <section className="panel" aria-labelledby="new-token-heading">
          <h2 id="new-token-heading">New token</h2>
          <TokenForm organizationId={organization.id} orgSlug={org} />
        </section>
      </div>
      <TableWrap label="API tokens" className="panel">
        <table>
          <caption className="sr-only">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Scopes</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {organization.apiTokens.nodes.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{t.scopes.map((s) => s.toLowerCase().replace('_', ':')).join(', ')}</td>
                <td>
                  {when(t.createdAt)} by {t.createdBy.name}
                </td>
                <td>{when(t.expiresAt)}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    <span className="badge">revoked</span>
                  ) : (
                    <ConfirmAction
                      action={revokeToken}
                      fields={{ organizationId: organization.id, orgSlug: org, id: t.id }}
                      trigger="Revoke"
                      triggerLabel={`Revoke token ${t.name}`}
                      title={`Revoke the token “${t.name}”?`}
                      confirm="Revoke token"
                    >
                      <p>
                        Every CI job or device agent that uses it (<code>{t.prefix}…</code>) is refused from its next request. This cannot be undone: create a new token to replace it.
                      </p>
                    </ConfirmAction>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

import type { Metadata } from 'next';
import { TableWrap } from '@/components/form/table-wrap';
import { ModelSpecsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { BuiltinModelForm, UploadModelForm } from './model.forms';

export const metadata: Metadata = { title: 'Models' };

export default async function ModelsPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { builtinModelNames, organization } = await load(ModelSpecsDocument, { slug: org });
  return (
    <>
      <h1>Models</h1>
      <section className="panel">
        <TableWrap label="Model specs">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Sites
                </th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {organization.modelSpecs.nodes.map((m) => (
                <tr key={m.id}>
                  <td>{m.name}</td>
                  <td>{m.kind.toLowerCase()}</td>
                  <td className="num">{m.siteCount}</td>
                  <td>
                    <code>{m.sha256 ? `${m.sha256.slice(0, 12)}…` : '—'}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="builtin-heading">
          <h2 id="builtin-heading">Register a built-in model</h2>
          <BuiltinModelForm organizationId={organization.id} orgSlug={org} names={builtinModelNames} />
        </section>
        <section className="panel" aria-labelledby="upload-model-heading">
          <h2 id="upload-model-heading">Upload a model</h2>
          <UploadModelForm organizationId={organization.id} orgSlug={org} />
        </section>
      </div>
    </>
  );
}

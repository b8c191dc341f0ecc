import type { Metadata } from 'next';
import Link from 'next/link';
import { PartialBadge } from '@/components/cost-table/partial-badge';
import { TableWrap } from '@/components/form/table-wrap';
import { CostTablesDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { formatValue } from '@/lib/format/units';

export const metadata: Metadata = { title: 'Cost tables' };

export default async function TablesPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(CostTablesDocument, { slug: org });
  const tables = organization.costTables.nodes;
  return (
    <>
      <div className="topbar">
        <h1>Cost tables</h1>
        <div className="row-actions">
          <Link className="button plain" href={`/o/${org}/tables/compare`}>
            Compare two
          </Link>
          <Link className="button primary" href={`/o/${org}/tables/new`}>
            Upload a table
          </Link>
        </div>
      </div>
      <section className="panel">
        {tables.length === 0 ? (
          <p className="muted">No tables yet: upload one, or start a profiling job for a device.</p>
        ) : (
          <TableWrap label="Cost tables">
            <table>
              <thead>
                <tr>
                  <th scope="col">Table</th>
                  <th scope="col">Device</th>
                  <th scope="col">Model</th>
                  <th scope="col">Metric</th>
                  <th scope="col" className="num">
                    Reference
                  </th>
                  <th scope="col">Provenance</th>
                  <th scope="col">Published</th>
                </tr>
              </thead>
              <tbody>
                {tables.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <Link href={`/o/${org}/tables/${t.id}`}>
                        {t.metric.toLowerCase()} v{t.version}
                      </Link>
                      {t.partial ? <PartialBadge missing={t.missingSites.length} /> : null}
                    </td>
                    <td>
                      {t.deviceProfile.name}
                      {t.deviceProfile.owner.id !== organization.id ? (
                        <span className="muted"> ({t.deviceProfile.visibility === 'PUBLIC' ? `public catalog, by ${t.deviceProfile.owner.name}` : `shared by ${t.deviceProfile.owner.name}`})</span>
                      ) : null}
                    </td>
                    <td>{t.modelSpecName}</td>
                    <td>{t.metric.toLowerCase()}</td>
                    <td className="num">
                      {formatValue(t.reference, t.unit)}
                    </td>
                    <td>
                      {t.provenance.source.toLowerCase()}
                      {t.provenance.producer ? ` · ${t.provenance.producer}` : ''}
                    </td>
                    <td>{t.createdAt.slice(0, 10)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
    </>
  );
}

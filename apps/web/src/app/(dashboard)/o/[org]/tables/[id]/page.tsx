import type { Metadata } from 'next';
import Link from 'next/link';
import { ProvenancePanel } from '@/components/cost-table/provenance-panel';
import { Heatmap } from '@/components/heatmap/heatmap';
import { CostTableDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { tableCsvFilename } from '@/lib/cost-table/table-filename';

export const metadata: Metadata = { title: 'Cost table' };

export default async function CostTablePage({ params }: { readonly params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const { organization } = await load(CostTableDocument, { slug: org, id });
  const table = organization.costTable;
  return (
    <>
      <div className="topbar">
        <h1>
          {table.metric.toLowerCase()} · {table.modelSpecName} on {table.deviceProfile.name} (v{table.version})
        </h1>
        <Link className="button plain" href={`/o/${org}/tables/compare?a=${table.id}`}>
          Compare with another device
        </Link>
      </div>
      {table.partial ? (
        <p className="alert warning">
          Partial table: it has no rows for {table.missingSites.length} site{table.missingSites.length === 1 ? '' : 's'} of {table.modelSpecName} ({table.missingSites.join(', ')}). Searches use it only when they lock
          those sites to their reference activation.
        </p>
      ) : null}
      <section className="panel">
        <Heatmap cells={table.cells} sites={table.sites} unit={table.unit} title={`Δ ${table.metric.toLowerCase()} (${table.unit}) per site and activation`} lowerIsBetter={table.metric !== 'ACCURACY'} download={{ href: `/o/${org}/tables/${table.id}/csv`, filename: tableCsvFilename(table) }} />
      </section>
      <ProvenancePanel table={table} />
    </>
  );
}

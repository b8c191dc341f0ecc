import type { Metadata } from 'next';
import { Heatmap } from '@/components/heatmap/heatmap';
import type { HeatCell } from '@/components/heatmap/heatmap.model';
import { CostTableCompareDocument, CostTablesDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Compare cost tables' };

export default async function CompareTablesPage({ params, searchParams }: { readonly params: Promise<{ org: string }>; readonly searchParams: Promise<{ a?: string; b?: string }> }) {
  const { org } = await params;
  const { a, b } = await searchParams;
  const { organization } = await load(CostTablesDocument, { slug: org });
  const tables = organization.costTables.nodes;
  const label = (t: (typeof tables)[number]): string => `${t.metric.toLowerCase()} · ${t.modelSpecName} · ${t.deviceProfile.name} v${t.version}`;
  const picker = (
    <form className="panel row-actions" method="get">
      {(['a', 'b'] as const).map((key) => (
        <div className="field" key={key}>
          <label htmlFor={`compare-${key}`}>Table {key.toUpperCase()}</label>
          <select id={`compare-${key}`} name={key} defaultValue={key === 'a' ? a : b}>
            {tables.map((t) => (
              <option key={t.id} value={t.id}>
                {label(t)}
              </option>
            ))}
          </select>
        </div>
      ))}
      <button type="submit" className="button primary">
        Compare
      </button>
    </form>
  );
  if (!a || !b) {
    return (
      <>
        <h1>Compare cost tables</h1>
        <p className="muted">Pick the same model&apos;s tables on two devices.</p>
        {picker}
      </>
    );
  }
  const compared = (await load(CostTableCompareDocument, { slug: org, a, b })).organization;
  const cellsOf = (t: typeof compared.a): Map<string, HeatCell> => new Map(t.cells.map((c) => [`${c.site}\u0000${c.activation}`, c]));
  const bCells = cellsOf(compared.b);
  const difference: HeatCell[] = compared.a.cells.flatMap((c) => {
    const other = bCells.get(`${c.site}\u0000${c.activation}`);
    return other ? [{ site: c.site, activation: c.activation, delta: other.delta - c.delta }] : [];
  });
  const sameModel = compared.a.modelSpecName === compared.b.modelSpecName && compared.a.metric === compared.b.metric;
  return (
    <>
      <h1>Compare cost tables</h1>
      {picker}
      {!sameModel ? <p className="alert error">These tables are of different models or metrics; the difference only covers the cells they share.</p> : null}
      <section className="panel">
        <Heatmap cells={compared.a.cells} sites={compared.a.sites} unit={compared.a.unit} title={`A: ${compared.a.deviceProfile.name}`} lowerIsBetter={compared.a.metric !== 'ACCURACY'} />
      </section>
      <section className="panel">
        <Heatmap cells={compared.b.cells} sites={compared.b.sites} unit={compared.b.unit} title={`B: ${compared.b.deviceProfile.name}`} lowerIsBetter={compared.b.metric !== 'ACCURACY'} />
      </section>
      <section className="panel">
        <Heatmap cells={difference} sites={compared.a.sites} unit={compared.a.unit} title="B − A: where the devices disagree about a swap" lowerIsBetter={compared.a.metric !== 'ACCURACY'} />
      </section>
    </>
  );
}

import type { Metadata } from 'next';
import { Heatmap } from '@/components/heatmap/heatmap';
import type { HeatCell } from '@/components/heatmap/heatmap.model';
import { CostTableCompareDocument, CostTablesDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { tableCsvFilename } from '@/lib/cost-table/table-filename';

export const metadata: Metadata = { title: 'Compare cost tables' };

/** Only a table of the same metric and model can be set against another: cell by cell, one unit. */
const comparable = (x: { readonly metric: string; readonly modelSpecName: string }, y: { readonly metric: string; readonly modelSpecName: string }): boolean => x.metric === y.metric && x.modelSpecName === y.modelSpecName;

export default async function CompareTablesPage({ params, searchParams }: { readonly params: Promise<{ org: string }>; readonly searchParams: Promise<{ a?: string; b?: string }> }) {
  const { org } = await params;
  const { a, b } = await searchParams;
  const { organization } = await load(CostTablesDocument, { slug: org });
  const tables = organization.costTables.nodes;
  const label = (t: (typeof tables)[number]): string => `${t.metric.toLowerCase()} · ${t.modelSpecName} · ${t.deviceProfile.name} v${t.version}`;
  const chosenA = tables.find((t) => t.id === a);
  // B offers the tables A can be compared with; every table until A is chosen.
  const candidatesB = chosenA ? tables.filter((t) => t.id !== chosenA.id && comparable(t, chosenA)) : tables;
  const picker = (
    <form className="panel row-actions" method="get">
      <div className="field">
        <label htmlFor="compare-a">Table A</label>
        <select id="compare-a" name="a" defaultValue={a}>
          {tables.map((t) => (
            <option key={t.id} value={t.id}>
              {label(t)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="compare-b">Table B {chosenA ? `(${chosenA.metric.toLowerCase()} of ${chosenA.modelSpecName})` : ''}</label>
        <select id="compare-b" name="b" defaultValue={candidatesB.some((t) => t.id === b) ? b : undefined}>
          {candidatesB.map((t) => (
            <option key={t.id} value={t.id}>
              {label(t)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button primary">
        Compare
      </button>
    </form>
  );
  const intro = <p className="muted">Set one model&apos;s tables of one metric side by side, e.g. latency on two devices or two versions of a device&apos;s table.</p>;
  if (!a || !b) {
    return (
      <>
        <h1>Compare cost tables</h1>
        {intro}
        {picker}
        {chosenA && candidatesB.length === 0 ? <p className="alert error">No other {chosenA.metric.toLowerCase()} table of {chosenA.modelSpecName} to compare with.</p> : null}
      </>
    );
  }
  const compared = (await load(CostTableCompareDocument, { slug: org, a, b })).organization;
  if (!comparable(compared.a, compared.b)) {
    return (
      <>
        <h1>Compare cost tables</h1>
        {intro}
        {picker}
        <p className="alert error" role="alert">
          A is a {compared.a.metric.toLowerCase()} table of {compared.a.modelSpecName} ({compared.a.unit}) and B a {compared.b.metric.toLowerCase()} table of {compared.b.modelSpecName} ({compared.b.unit}): only tables of one metric and model compare. Pick B again.
        </p>
      </>
    );
  }
  const cellsOf = (t: typeof compared.a): Map<string, HeatCell> => new Map(t.cells.map((c) => [`${c.site}\u0000${c.activation}`, c]));
  const bCells = cellsOf(compared.b);
  const difference: HeatCell[] = compared.a.cells.flatMap((c) => {
    const other = bCells.get(`${c.site}\u0000${c.activation}`);
    return other ? [{ site: c.site, activation: c.activation, delta: other.delta - c.delta }] : [];
  });
  // A and B share one colour scale, so equal colours mean equal deltas.
  const shared = Math.max(0, ...compared.a.cells.map((c) => Math.abs(c.delta)), ...compared.b.cells.map((c) => Math.abs(c.delta)));
  const lowerIsBetter = compared.a.metric !== 'ACCURACY';
  const what = `${compared.a.metric.toLowerCase()} (${compared.a.unit})`;
  const name = (t: typeof compared.a): string => `${t.deviceProfile.name} v${t.version}`;
  return (
    <>
      <h1>Compare cost tables</h1>
      {intro}
      {picker}
      <p className="muted" data-testid="compare-scale">
        A and B share one colour scale (±{shared.toPrecision(3)} {compared.a.unit}); the difference has its own.
      </p>
      <section className="panel">
        <Heatmap cells={compared.a.cells} sites={compared.a.sites} unit={compared.a.unit} extent={shared} title={`A: Δ ${what} on ${name(compared.a)}`} lowerIsBetter={lowerIsBetter} download={{ href: `/o/${org}/tables/${compared.a.id}/csv`, filename: tableCsvFilename(compared.a) }} />
      </section>
      <section className="panel">
        <Heatmap cells={compared.b.cells} sites={compared.b.sites} unit={compared.b.unit} extent={shared} title={`B: Δ ${what} on ${name(compared.b)}`} lowerIsBetter={lowerIsBetter} download={{ href: `/o/${org}/tables/${compared.b.id}/csv`, filename: tableCsvFilename(compared.b) }} />
      </section>
      <section className="panel">
        <Heatmap cells={difference} sites={compared.a.sites} unit={compared.a.unit} title={`B − A: where ${name(compared.b)} and ${name(compared.a)} disagree about a swap (${what})`} lowerIsBetter={lowerIsBetter} download={{ filename: `${compared.a.modelSpecName}-${compared.a.metric.toLowerCase()}-difference.csv` }} />
      </section>
    </>
  );
}

import type { CostTableQuery } from '@/graphql/generated';
import { formatValue } from '@/lib/format/units';

type Table = CostTableQuery['organization']['costTable'];

export function ProvenancePanel({ table }: { readonly table: Table }) {
  const p = table.provenance;
  const rows: [string, string][] = [
    ['Source', p.source.toLowerCase()],
    ['Produced by', p.producer ?? '—'],
    ['Runs per cell', p.runs == null ? '—' : String(p.runs)],
    ['Confidence', p.confidence == null ? '—' : `${Math.round(p.confidence * 100)}%`],
    ['Note', p.note ?? '—'],
    ['Device profile', `${table.deviceProfile.name} (${table.deviceProfile.owner.name})`],
    ['Model', table.modelSpecName],
    ['Version', `v${table.version}, published ${table.createdAt.slice(0, 16).replace('T', ' ')}`],
    ['Reference value', formatValue(table.reference, table.unit)],
    ['Content SHA-256', table.sha256],
  ];
  return (
    <section className="panel" aria-labelledby="provenance-heading">
      <h2 id="provenance-heading">Provenance</h2>
      <dl className="provenance">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt className="label">{k}</dt>
            <dd>{k === 'Content SHA-256' ? <code style={{ wordBreak: 'break-all' }}>{v}</code> : v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

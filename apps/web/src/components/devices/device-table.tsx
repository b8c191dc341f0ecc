import { TableWrap } from '@/components/form/table-wrap';
import Link from 'next/link';
import type { DeviceProfileFieldsFragment } from '@/graphql/generated';
import { VisibilityBadge } from './visibility-badge';

/** Device profiles as a table; `hrefOf` links each name to its page when there is one. */
export function DeviceTable({ profiles, caption, hrefOf, empty = 'None.' }: { readonly profiles: readonly DeviceProfileFieldsFragment[]; readonly caption: string; readonly hrefOf?: (id: string) => string; readonly empty?: string }) {
  if (profiles.length === 0) return <p className="muted">{empty}</p>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Processor</th>
            <th scope="col">Accelerator</th>
            <th scope="col">Runtime</th>
            <th scope="col" className="num">
              Threads
            </th>
            <th scope="col" className="num">
              Input
            </th>
            <th scope="col">Fuses</th>
            <th scope="col">Owner</th>
            <th scope="col">Visibility</th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={p.id}>
              <td>{hrefOf ? <Link href={hrefOf(p.id)}>{p.name}</Link> : p.name}</td>
              <td>{p.processor}</td>
              <td>{p.accelerator ?? '—'}</td>
              <td>
                {p.runtime} {p.runtimeVersion}
              </td>
              <td className="num">{p.threads}</td>
              <td className="num">{p.inputSize}</td>
              <td>{p.fusedActivations.join(', ') || '—'}</td>
              <td>{p.owner.name}</td>
              <td>
                <VisibilityBadge visibility={p.visibility} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

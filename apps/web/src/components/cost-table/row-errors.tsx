import { TableWrap } from '@/components/form/table-wrap';
import type { RowError } from '@/lib/forms/form-state';

/** Problems of an upload, one line per row and column, as a table a screen reader can walk. */
export function RowErrors({ errors, title }: { readonly errors: readonly RowError[]; readonly title: string }) {
  if (errors.length === 0) return null;
  return (
    <div className="alert error" role="alert">
      <p className="label">{title}</p>
      <TableWrap label={title} maxHeight={260}>
        <table data-testid="row-errors">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Column</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {errors.slice(0, 200).map((e, i) => (
              <tr key={i}>
                <td className="num">{e.row ?? '—'}</td>
                <td>{e.column ?? '—'}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {errors.length > 200 ? <p>…and {errors.length - 200} more.</p> : null}
    </div>
  );
}

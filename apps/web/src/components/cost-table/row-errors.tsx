import { TableWrap } from '@/components/form/table-wrap';
import type { RowError } from '@/lib/forms/form-state';

/** Problems shown before the rest fold away: a unit mismatch on every row must not become a wall. */
const SHOWN = 10;

function ErrorTable({ errors, caption }: { readonly errors: readonly RowError[]; readonly caption: string }) {
  return (
    <TableWrap label={caption} maxHeight={260}>
      <table data-testid="row-errors">
        <caption className="sr-only">{caption}</caption>
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
          {errors.map((e, i) => (
            <tr key={i}>
              <td className="num">{e.row ?? '—'}</td>
              <td>{e.column ?? '—'}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * Problems of an upload by row and column, as a table a screen reader can walk: the first few,
 * the rest of those listed behind a disclosure, and how many there are in all (`total`, when the
 * list is itself only the first of them).
 */
export function RowErrors({ errors, title, total = errors.length }: { readonly errors: readonly RowError[]; readonly title: string; readonly total?: number }) {
  if (errors.length === 0) return null;
  const rest = errors.slice(SHOWN);
  const unlisted = total - errors.length;
  return (
    <div className="alert error" data-testid="row-errors-panel">
      <p className="label">
        {title}: {total} problem{total === 1 ? '' : 's'}
      </p>
      <ErrorTable errors={errors.slice(0, SHOWN)} caption={title} />
      {rest.length > 0 ? (
        <details>
          <summary>Show {rest.length} more</summary>
          <ErrorTable errors={rest} caption={`${title} (continued)`} />
        </details>
      ) : null}
      {unlisted > 0 ? <p>…and {unlisted} more not listed: fix these and check the file again.</p> : null}
    </div>
  );
}

import Link from 'next/link';
import { TableWrap } from '@/components/form/table-wrap';
import { agentText } from '@/components/shell/job-status';
import { ProgressBar } from '@/components/shell/progress-bar';
import type { SearchVerificationFieldsFragment } from '@/graphql/generated';
import { describeBudgetShort, readableMessage } from '@/lib/results/search-summary';
import type { TableRef } from '@/lib/results/search-summary';
import { movedText, verificationLine } from '@/lib/verification/search-verification';

interface Props {
  readonly org: string;
  readonly status: string;
  readonly verification: SearchVerificationFieldsFragment;
  readonly tables: readonly TableRef[];
  readonly names: ReadonlyMap<string, string>;
}

/** A verifying search's loop: each round's budgets, its job on the device, what it tightened, and how it ended. */
export function SearchVerificationPanel({ org, status, verification: v, tables, names }: Props) {
  const readable = (text: string): string => readableMessage(text, names);
  return (
    <section className="panel" aria-labelledby="verification-heading">
      <h2 id="verification-heading">Verification on the device</h2>
      <p>
        <strong data-testid="verification-line">{verificationLine(status, v)}</strong>
      </p>
      <TableWrap label="Verification rounds">
        <table data-testid="verification-rounds">
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">Budgets searched</th>
              <th scope="col">Proposals</th>
              <th scope="col">Job on the device</th>
              <th scope="col">Tightened for the next round</th>
            </tr>
          </thead>
          <tbody>
            {v.history.map((h) => (
              <tr key={h.round} data-round={h.round}>
                <td>{h.round}</td>
                <td>{h.budgets.length === 0 ? 'none' : h.budgets.map((b) => describeBudgetShort(b, tables)).join('; ')}</td>
                <td>
                  {h.proposals} found ({h.status}), {h.measured} new to measure
                  {h.measuredFeasible === null || h.measuredFeasible === undefined ? '' : `, ${h.measuredFeasible} meet every budget as measured`}
                </td>
                <td data-testid="round-job">
                  {h.verificationJob ? (
                    <>
                      <Link href={`/o/${org}/jobs`}>{h.verificationJob.status.toLowerCase()}</Link> · {agentText(h.verificationJob)}
                      <ProgressBar value={h.verificationJob.progress} label={`Progress of round ${h.round}'s verification job`} />
                      {h.verificationJob.errorMessage ? <small className="muted"> {h.verificationJob.errorMessage}</small> : null}
                    </>
                  ) : (
                    <span className="muted">{h.measured === 0 && h.proposals > 0 ? 'nothing new to measure' : 'none'}</span>
                  )}
                </td>
                <td data-testid="round-tightened">
                  {h.tightened.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul>
                      {h.tightened.map((t) => (
                        <li key={t.budget}>
                          {readable(t.budget)}: {movedText(t.from, t.value)} (residual {Number(t.residual.toFixed(4))}, broken by {t.breakers})
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {v.met === true ? (
        <p data-testid="verification-outcome">
          {v.stoppedBy === 'MET' ? 'Every proposal of the last round meets every budget as measured.' : 'Every budget is met as measured by the proposals marked measured-feasible, ranked first; the others break one.'}
        </p>
      ) : null}
      {v.missed.length > 0 ? (
        <div data-testid="verification-outcome">
          <p className="label">No verified proposal meets every budget as measured:</p>
          <ul>
            {v.missed.map((m) => (
              <li key={m.budget}>
                {readable(m.budget)}: broken by {m.breakers} proposal{m.breakers === 1 ? '' : 's'}; the closest exceeds it by {Number(m.excess.toFixed(4))}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

import Link from 'next/link';
import { TableWrap } from '@/components/form/table-wrap';
import { agentText } from '@/components/shell/job-status';
import { ProgressBar } from '@/components/shell/progress-bar';
import type { VerificationJobFieldsFragment } from '@/graphql/generated';

/** Ranks as typed: `1–3, 7`. */
export function ranksText(ranks: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < ranks.length; ) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j]! + 1) j++;
    runs.push(j > i ? `${ranks[i]}–${ranks[j]}` : `${ranks[i]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** Verification jobs: what they measure, where, who holds them and how far they are; `showVersion` links each to its proposal set. */
export function VerificationJobsTable({ org, jobs, showVersion }: { readonly org: string; readonly jobs: readonly VerificationJobFieldsFragment[]; readonly showVersion: boolean }) {
  return (
    <TableWrap label="Verification jobs">
      <table data-testid="verification-jobs">
        <thead>
          <tr>
            {showVersion ? <th scope="col">Proposal set</th> : null}
            <th scope="col">Ranks</th>
            <th scope="col">Device</th>
            <th scope="col">Metrics</th>
            <th scope="col">Status</th>
            <th scope="col">Agent</th>
            <th scope="col">Progress</th>
            <th scope="col" className="num">
              Attempts
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => {
            const project = j.proposalSet.searchRequest.project;
            return (
              <tr key={j.id} data-job={j.id}>
                {showVersion ? (
                  <td>
                    <Link href={`/o/${org}/p/${project.id}/versions/${j.proposalSet.version}`}>
                      {project.name} v{j.proposalSet.version}
                    </Link>
                  </td>
                ) : null}
                <td>{ranksText(j.ranks)}</td>
                <td>{j.deviceProfile.name}</td>
                <td>{j.metrics.map((m) => m.toLowerCase()).join(', ')}</td>
                <td>
                  <span className="badge" data-testid="verification-status">
                    {j.status.toLowerCase()}
                  </span>
                  {j.errorMessage ? <small className="muted"> {j.errorMessage}</small> : null}
                </td>
                <td>{agentText(j)}</td>
                <td>
                  <ProgressBar value={j.progress} label={`Progress of verification job ${j.id}`} />
                </td>
                <td className="num">
                  {j.attempts}/{j.maxAttempts}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

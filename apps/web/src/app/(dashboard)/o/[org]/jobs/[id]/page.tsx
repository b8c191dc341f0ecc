import type { Metadata } from 'next';
import Link from 'next/link';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { agentText, jobIsLive } from '@/components/shell/job-status';
import { ProgressBar } from '@/components/shell/progress-bar';
import { ProfilingJobDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Profiling job' };

export default async function JobPage({ params }: { readonly params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const { organization } = await load(ProfilingJobDocument, { slug: org, id });
  const job = organization.profilingJob;
  return (
    <>
      <h1>
        Profiling {job.modelSpec.name} on {job.deviceProfile.name}
      </h1>
      <AutoRefresh active={jobIsLive(job.status)} />
      <section className="panel" aria-live="polite">
        <dl className="provenance">
          <div>
            <dt className="label">Status</dt>
            <dd data-testid="job-status">{job.status.toLowerCase()}</dd>
          </div>
          <div>
            <dt className="label">Agent</dt>
            <dd data-testid="job-agent">{agentText(job)}</dd>
          </div>
          <div>
            <dt className="label">Progress</dt>
            <dd>
              <ProgressBar value={job.progress} label="Job progress" />
            </dd>
          </div>
          <div>
            <dt className="label">Attempts</dt>
            <dd>
              {job.attempts} of {job.maxAttempts}
            </dd>
          </div>
          <div>
            <dt className="label">Metrics</dt>
            <dd>{job.metrics.map((m) => m.toLowerCase()).join(', ')}</dd>
          </div>
          <div>
            <dt className="label">Created</dt>
            <dd>{job.createdAt.slice(0, 19).replace('T', ' ')}</dd>
          </div>
        </dl>
        {job.errorMessage ? <p className="alert error">{job.errorMessage}</p> : null}
      </section>
      {job.costTables.length > 0 ? (
        <section className="panel" aria-labelledby="published-heading">
          <h2 id="published-heading">Published tables</h2>
          <ul>
            {job.costTables.map((t) => (
              <li key={t.id}>
                <Link href={`/o/${org}/tables/${t.id}`}>
                  {t.metric.toLowerCase()} v{t.version}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

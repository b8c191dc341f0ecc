import type { Metadata } from 'next';
import Link from 'next/link';
import { TableWrap } from '@/components/form/table-wrap';
import { AutoRefresh } from '@/components/shell/auto-refresh';
import { agentText, jobIsLive } from '@/components/shell/job-status';
import { ProgressBar } from '@/components/shell/progress-bar';
import { VerificationJobsTable } from '@/components/verification/verification-jobs-table';
import { ProfilingJobsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { JobForm } from './job.form';

export const metadata: Metadata = { title: 'Jobs' };

export default async function JobsPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(ProfilingJobsDocument, { slug: org });
  const jobs = organization.profilingJobs.nodes;
  const verifications = organization.verificationJobs.nodes;
  return (
    <>
      <h1>Jobs</h1>
      <p className="muted">
        A device agent (<code>actnas agent --api URL --token T</code> with an <code>agent</code>-scoped token) leases jobs: it profiles a model on its device and publishes the tables, or
        measures proposals whole and stores the measurements beside the predictions.
      </p>
      <AutoRefresh active={jobs.some((j) => jobIsLive(j.status)) || verifications.some((j) => jobIsLive(j.status))} />
      <section className="panel" aria-labelledby="profiling-heading">
        <h2 id="profiling-heading">Profiling jobs</h2>
        {jobs.length === 0 ? (
          <p className="muted">No jobs yet.</p>
        ) : (
          <TableWrap label="Profiling jobs">
            <table>
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Device</th>
                  <th scope="col">Model</th>
                  <th scope="col">Status</th>
                  <th scope="col">Agent</th>
                  <th scope="col">Progress</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => (
                  <tr key={j.id}>
                    <td>
                      <Link href={`/o/${org}/jobs/${j.id}`}>{j.metrics.map((m) => m.toLowerCase()).join(', ')}</Link>
                    </td>
                    <td>{j.deviceProfile.name}</td>
                    <td>{j.modelSpec.name}</td>
                    <td>
                      <span className="badge">{j.status.toLowerCase()}</span>
                    </td>
                    <td>{agentText(j)}</td>
                    <td>
                      <ProgressBar value={j.progress} label={`Progress of job ${j.id}`} />
                    </td>
                    <td className="num">
                      {j.attempts}/{j.maxAttempts}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>
      <section className="panel" aria-labelledby="verification-heading">
        <h2 id="verification-heading">Verification jobs</h2>
        {verifications.length === 0 ? (
          <p className="muted">None yet: start one with &ldquo;Verify on device&rdquo; on a version&apos;s page.</p>
        ) : (
          <VerificationJobsTable org={org} jobs={verifications} showVersion />
        )}
      </section>
      <section className="panel" aria-labelledby="new-job-heading">
        <h2 id="new-job-heading">Start a profiling job</h2>
        {organization.deviceProfiles.nodes.length && organization.modelSpecs.nodes.length ? (
          <JobForm organizationId={organization.id} orgSlug={org} devices={organization.deviceProfiles.nodes} models={organization.modelSpecs.nodes} />
        ) : (
          <p>
            Register a <Link href={`/o/${org}/devices/new`}>device</Link> and a <Link href={`/o/${org}/models`}>model</Link> first.
          </p>
        )}
      </section>
    </>
  );
}

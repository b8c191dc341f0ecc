import { notFound } from '../../errors.js';
import type { Loaders } from '../../graphql/loaders.js';
import type { ModelSpec } from '../model-specs/model-spec.entity.js';

interface JobRow {
  readonly organizationId: string;
  readonly modelSpecId: string;
  readonly attempts: number;
  readonly leasedByTokenId: string | null;
  readonly agentName: string | null;
}

// Fields profiling and verification jobs resolve alike. The job was reached through its
// organization; these read that organization's rows.

export async function jobModelSpec(job: JobRow, loaders: Loaders): Promise<ModelSpec> {
  const spec = await loaders.modelSpecOf.load({ organizationId: job.organizationId, id: job.modelSpecId });
  if (!spec) throw notFound('Model spec');
  return spec;
}

/** Who holds or last held the job: its name and the public prefix of its token (never the secret); null when never leased. */
export async function jobAgent(job: JobRow, loaders: Loaders): Promise<{ name: string | null; tokenPrefix: string | null } | null> {
  // Every lease counts an attempt, so a job with none was never leased.
  if (job.attempts === 0) return null;
  const token = job.leasedByTokenId ? await loaders.apiTokenOf.load({ organizationId: job.organizationId, id: job.leasedByTokenId }) : null;
  return { name: job.agentName, tokenPrefix: token?.prefix ?? null };
}

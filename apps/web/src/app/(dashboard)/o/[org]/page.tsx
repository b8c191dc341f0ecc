import type { Metadata } from 'next';
import Link from 'next/link';
import { SetupChecklist } from '@/components/onboarding/setup-checklist';
import { OrganizationShellDocument, ProjectsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { ProjectForm } from './project.form';

export const metadata: Metadata = { title: 'Projects' };

export default async function ProjectsPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const [{ organization }, shell] = await Promise.all([load(ProjectsDocument, { slug: org }), load(OrganizationShellDocument, { slug: org })]);
  const canWrite = shell.organization.viewerRole !== 'VIEWER';
  const setup = {
    hasDevice: organization.deviceProfiles.nodes.length > 0,
    hasModel: organization.modelSpecs.nodes.length > 0,
    hasTables: organization.costTables.nodes.some((t) => t.deviceProfile.owner.id === organization.id),
    hasSearch: organization.projects.nodes.some((p) => p.latestProposalSet !== null),
  };
  return (
    <>
      <div className="topbar">
        <h1>{shell.organization.name}: projects</h1>
      </div>
      {setup.hasSearch ? null : <SetupChecklist org={org} state={setup} />}
      <section className="panel" aria-labelledby="projects-heading">
        <h2 id="projects-heading">Projects</h2>
        {organization.projects.nodes.length === 0 ? (
          <p className="muted">No projects yet. A project holds searches and their versioned proposal sets.</p>
        ) : (
          <ul>
            {organization.projects.nodes.map((p) => (
              <li key={p.id}>
                <Link href={`/o/${org}/p/${p.id}`}>{p.name}</Link>
                {p.description ? <span className="muted"> — {p.description}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      {canWrite ? (
        <section className="panel" aria-labelledby="new-project-heading">
          <h2 id="new-project-heading">New project</h2>
          <ProjectForm organizationId={organization.id} orgSlug={org} />
        </section>
      ) : null}
    </>
  );
}

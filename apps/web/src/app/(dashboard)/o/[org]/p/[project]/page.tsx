import type { Metadata } from 'next';
import Link from 'next/link';
import { ProjectDashboardDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Project' };

export default async function ProjectPage({ params }: { readonly params: Promise<{ org: string; project: string }> }) {
  const { org, project: projectId } = await params;
  const { organization } = await load(ProjectDashboardDocument, { slug: org, projectId });
  const { project } = organization;
  const devices = [...organization.deviceProfiles.nodes, ...organization.sharedDeviceProfiles.nodes];
  return (
    <>
      <div className="topbar">
        <div>
          <h1>{project.name}</h1>
          {project.description ? <p className="muted">{project.description}</p> : null}
        </div>
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="devices-heading">
          <h2 id="devices-heading">Devices available</h2>
          {devices.length === 0 ? (
            <p>
              No device profiles yet. <Link href={`/o/${org}/devices/new`}>Register a device</Link> to start.
            </p>
          ) : (
            <ul>
              {devices.map((d) => (
                <li key={d.id}>
                  <Link href={`/o/${org}/devices/${d.id}`}>{d.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="about-heading">
          <h2 id="about-heading">About</h2>
          <dl>
            <dt className="label">Created</dt>
            <dd>{project.createdAt.slice(0, 10)}</dd>
            <dt className="label">Updated</dt>
            <dd>{project.updatedAt.slice(0, 10)}</dd>
          </dl>
        </section>
      </div>
    </>
  );
}

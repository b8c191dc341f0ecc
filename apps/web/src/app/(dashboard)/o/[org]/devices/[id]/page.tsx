import type { Metadata } from 'next';
import Link from 'next/link';
import { DeviceTable } from '@/components/devices/device-table';
import { VisibilityBadge } from '@/components/devices/visibility-badge';
import { ConfirmAction } from '@/components/form/confirm-action';
import { DeviceProfileDocument } from '@/graphql/generated';
import type { DeviceProfileQuery } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { DeviceProfileForm } from '../device-profile.form';
import { deleteDeviceProfile } from '../devices.actions';
import { VisibilityForm } from '../visibility.form';

export const metadata: Metadata = { title: 'Device profile' };

type Organization = DeviceProfileQuery['organization'];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** What a table is for, as the page names it: `latency (yolov5nu)`. */
const tableKind = (t: Organization['costTables']['nodes'][number]): string => `${t.metric.toLowerCase()} (${t.modelSpecName})`;

/**
 * Deleting, as the API allows it: a profile with published tables (searches and other organizations
 * may rely on them) or profiling jobs is kept, and the panel says what keeps it; one without either
 * is deleted behind a confirmation.
 */
function DeleteSection({ organization, org }: { readonly organization: Organization; readonly org: string }) {
  const profile = organization.deviceProfile;
  const tables = organization.costTables;
  const jobs = organization.profilingJobs.nodes.filter((j) => j.deviceProfile.id === profile.id);
  if (tables.nodes.length === 0 && jobs.length === 0) {
    return (
      <ConfirmAction action={deleteDeviceProfile} fields={{ organizationId: organization.id, orgSlug: org, id: profile.id }} trigger="Delete this profile…" title={`Delete “${profile.name}”?`} confirm="Delete profile">
        <p>It has no cost tables and no profiling jobs.</p>
        {profile.visibility !== 'PRIVATE' ? <p>It is {profile.visibility === 'PUBLIC' ? 'in the public catalog' : 'shared with other organizations'}: they lose it too.</p> : null}
        <p>This cannot be undone.</p>
      </ConfirmAction>
    );
  }
  const versions = new Map<string, number[]>();
  for (const t of tables.nodes) {
    const key = tableKind(t);
    versions.set(key, [...(versions.get(key) ?? []), t.version]);
  }
  const atLeast = (more: boolean): string => (more ? 'at least ' : '');
  return (
    <p data-testid="delete-kept">
      This profile has {atLeast(tables.pageInfo.hasNextPage)}
      <strong>{plural(tables.nodes.length, 'published cost table version')}</strong>
      {tables.nodes.length > 0 ? ` (${[...versions].sort(([x], [y]) => x.localeCompare(y)).map(([key, v]) => `${key} v${v.sort((x, y) => x - y).join(', v')}`).join('; ')})` : ''} and {atLeast(organization.profilingJobs.pageInfo.hasNextPage)}
      <strong>{plural(jobs.length, 'profiling job')}</strong>. Searches and other organizations may rely on them, so it cannot be deleted; make it private under Sharing instead.
    </p>
  );
}

/** The profile's published tables, each a link to its heatmap and provenance, newest version first within a metric and model. */
function CostTablesSection({ organization, org }: { readonly organization: Organization; readonly org: string }) {
  const tables = [...organization.costTables.nodes].sort((a, b) => tableKind(a).localeCompare(tableKind(b)) || b.version - a.version);
  return (
    <section className="panel" aria-labelledby="tables-heading">
      <h2 id="tables-heading">Cost tables</h2>
      {tables.length === 0 ? (
        <p className="muted">None published yet: measure them with <code>actnas profile</code> and publish them under Cost tables, or queue a profiling job for a device agent.</p>
      ) : (
        <ul data-testid="device-tables">
          {tables.map((t) => (
            <li key={t.id}>
              <Link href={`/o/${org}/tables/${t.id}`}>{`${tableKind(t)} v${t.version}`}</Link>
            </li>
          ))}
          {organization.costTables.pageInfo.hasNextPage ? <li className="muted">and more, under Cost tables</li> : null}
        </ul>
      )}
    </section>
  );
}

export default async function DevicePage({ params }: { readonly params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const { organization, activationKinds } = await load(DeviceProfileDocument, { slug: org, id });
  const profile = organization.deviceProfile;
  return (
    <>
      <div className="topbar">
        <h1>
          {profile.name} <VisibilityBadge visibility={profile.visibility} />
        </h1>
      </div>
      <CostTablesSection organization={organization} org={org} />
      {profile.editable ? (
        <>
          <section className="panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">Edit</h2>
            <DeviceProfileForm organizationId={organization.id} orgSlug={org} profile={profile} kinds={activationKinds} />
          </section>
          <section className="panel" aria-labelledby="share-heading">
            <h2 id="share-heading">Sharing</h2>
            <VisibilityForm organizationId={organization.id} orgSlug={org} id={profile.id} visibility={profile.visibility} sharedWith={(profile.sharedWith ?? []).map((o) => o.slug)} />
          </section>
          <section className="panel" aria-labelledby="delete-heading">
            <h2 id="delete-heading">Delete</h2>
            <DeleteSection organization={organization} org={org} />
          </section>
        </>
      ) : (
        <section className="panel">
          <p className="muted">
            {profile.visibility === 'PUBLIC' ? `Published in the public catalog by ${profile.owner.name}` : `Shared by ${profile.owner.name}`}: you can use it and its cost tables, but not edit it.
          </p>
          <DeviceTable profiles={[profile]} caption="This device profile" />
        </section>
      )}
    </>
  );
}

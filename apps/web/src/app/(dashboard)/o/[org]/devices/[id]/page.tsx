import type { Metadata } from 'next';
import { DeviceTable } from '@/components/devices/device-table';
import { VisibilityBadge } from '@/components/devices/visibility-badge';
import { DeviceProfileDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { DeviceProfileForm } from '../device-profile.form';
import { deleteDeviceProfile } from '../devices.actions';
import { VisibilityForm } from '../visibility.form';

export const metadata: Metadata = { title: 'Device profile' };

export default async function DevicePage({ params }: { readonly params: Promise<{ org: string; id: string }> }) {
  const { org, id } = await params;
  const { organization } = await load(DeviceProfileDocument, { slug: org, id });
  const profile = organization.deviceProfile;
  return (
    <>
      <div className="topbar">
        <h1>
          {profile.name} <VisibilityBadge visibility={profile.visibility} />
        </h1>
      </div>
      {profile.editable ? (
        <>
          <section className="panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">Edit</h2>
            <DeviceProfileForm organizationId={organization.id} orgSlug={org} profile={profile} />
          </section>
          <section className="panel" aria-labelledby="share-heading">
            <h2 id="share-heading">Sharing</h2>
            <VisibilityForm organizationId={organization.id} orgSlug={org} id={profile.id} visibility={profile.visibility} sharedWith={(profile.sharedWith ?? []).map((o) => o.slug)} />
          </section>
          <form action={deleteDeviceProfile}>
            <input type="hidden" name="organizationId" value={organization.id} />
            <input type="hidden" name="orgSlug" value={org} />
            <input type="hidden" name="id" value={profile.id} />
            <button type="submit" className="button danger">
              Delete this profile
            </button>
          </form>
        </>
      ) : (
        <section className="panel">
          <p className="muted">Shared by {profile.owner.name}: you can use it and its cost tables, but not edit it.</p>
          <DeviceTable profiles={[profile]} caption="This device profile" />
        </section>
      )}
    </>
  );
}

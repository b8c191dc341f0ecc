import type { Metadata } from 'next';
import Link from 'next/link';
import { DeviceTable } from '@/components/devices/device-table';
import { DeviceProfilesDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Device profiles' };

export default async function DevicesPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization, publicDeviceProfiles } = await load(DeviceProfilesDocument, { slug: org });
  const href = (id: string): string => `/o/${org}/devices/${id}`;
  // Named shares first, then other organizations' public profiles (a profile is one or the other).
  const shared = [...organization.sharedDeviceProfiles.nodes, ...publicDeviceProfiles.nodes.filter((p) => p.owner.id !== organization.id)];
  return (
    <>
      <div className="topbar">
        <h1>Device profiles</h1>
        <Link className="button primary" href={`/o/${org}/devices/new`}>
          Register a device
        </Link>
      </div>
      <section className="panel" aria-labelledby="own-heading">
        <h2 id="own-heading">Ours</h2>
        <DeviceTable profiles={organization.deviceProfiles.nodes} caption="Device profiles this organization owns" hrefOf={href} empty="None yet: register the hardware you deploy to." />
      </section>
      <section className="panel" aria-labelledby="shared-heading">
        <h2 id="shared-heading">Shared with us</h2>
        <p className="muted">
          Other organizations&apos; profiles you can use with their cost tables, but not edit: shared with this organization by name, or published in the <Link href="/catalog">public catalog</Link>. Their tables
          are offered in new searches, never chosen for you.
        </p>
        <DeviceTable profiles={shared} caption="Device profiles of other organizations this one can use" hrefOf={href} empty="None: no other organization shares a profile with this one or has published one." />
        {publicDeviceProfiles.pageInfo.hasNextPage ? (
          <p className="muted">
            Showing the first {publicDeviceProfiles.nodes.length} of the public catalog; <Link href="/catalog">see the catalog</Link> for the rest.
          </p>
        ) : null}
      </section>
    </>
  );
}

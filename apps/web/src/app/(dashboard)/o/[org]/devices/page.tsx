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
  const fromCatalog = publicDeviceProfiles.nodes.filter((p) => p.owner.id !== organization.id);
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
        <p className="muted">Profiles other organizations shared with this one by name. You can use them and their cost tables, not edit them.</p>
        <DeviceTable profiles={organization.sharedDeviceProfiles.nodes} caption="Device profiles shared with this organization" hrefOf={href} empty="None shared with this organization by name." />
      </section>
      <section className="panel" aria-labelledby="catalog-heading">
        <h2 id="catalog-heading">From the public catalog</h2>
        <p className="muted">
          Profiles other organizations published for everyone. Their cost tables are offered in new searches but never chosen for you. <Link href="/catalog">The whole catalog</Link>
        </p>
        <DeviceTable profiles={fromCatalog} caption="Public device profiles of other organizations" hrefOf={href} empty="No other organization has published a profile yet." />
        {publicDeviceProfiles.pageInfo.hasNextPage ? (
          <p className="muted">
            Showing the first {publicDeviceProfiles.nodes.length}; <Link href="/catalog">see the catalog</Link> for the rest.
          </p>
        ) : null}
      </section>
    </>
  );
}

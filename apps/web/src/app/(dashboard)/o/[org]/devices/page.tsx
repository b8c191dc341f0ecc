import type { Metadata } from 'next';
import Link from 'next/link';
import { DeviceTable } from '@/components/devices/device-table';
import { DeviceProfilesDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Device profiles' };

export default async function DevicesPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(DeviceProfilesDocument, { slug: org });
  const href = (id: string): string => `/o/${org}/devices/${id}`;
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
        <DeviceTable profiles={organization.deviceProfiles.nodes} caption="Device profiles this organization owns" hrefOf={href} />
      </section>
      <section className="panel" aria-labelledby="shared-heading">
        <h2 id="shared-heading">Shared with us</h2>
        <DeviceTable profiles={organization.sharedDeviceProfiles.nodes} caption="Device profiles shared with this organization" hrefOf={href} />
      </section>
    </>
  );
}

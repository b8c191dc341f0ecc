import type { Metadata } from 'next';
import Link from 'next/link';
import { DeviceTable } from '@/components/devices/device-table';
import { PublicDeviceProfilesDocument } from '@/graphql/generated';
import { request } from '@/lib/api/graphql.server';
import { sessionToken } from '@/lib/api/session.server';

export const metadata: Metadata = { title: 'Public device catalog' };
export const dynamic = 'force-dynamic';

export default async function CatalogPage() {
  const { publicDeviceProfiles } = await request(await sessionToken(), PublicDeviceProfilesDocument);
  return (
    <main className="main" id="content">
      <div className="topbar">
        <h1>Public device catalog</h1>
        <Link href="/">Dashboard</Link>
      </div>
      <p className="muted">Device profiles their owners published. Use them and their cost tables in your own searches.</p>
      <section className="panel">
        <DeviceTable profiles={publicDeviceProfiles.nodes} caption="Public device profiles" />
      </section>
    </main>
  );
}

import type { Metadata } from 'next';
import { NewDeviceOptionsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { DeviceProfileForm } from '../device-profile.form';

export const metadata: Metadata = { title: 'Register a device' };

export default async function NewDevicePage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization, activationKinds } = await load(NewDeviceOptionsDocument, { slug: org });
  return (
    <>
      <h1>Register a device</h1>
      <section className="panel">
        <DeviceProfileForm organizationId={organization.id} orgSlug={org} kinds={activationKinds} />
      </section>
    </>
  );
}

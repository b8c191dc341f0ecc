import type { Metadata } from 'next';
import Link from 'next/link';
import { UploadTableOptionsDocument } from '@/graphql/generated';
import { load } from '@/lib/api/session.server';
import { TableUploadForm } from './table-upload.form';

export const metadata: Metadata = { title: 'Upload a cost table' };

export default async function NewTablePage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  const { organization } = await load(UploadTableOptionsDocument, { slug: org });
  const devices = organization.deviceProfiles.nodes;
  const models = organization.modelSpecs.nodes;
  return (
    <>
      <h1>Upload a cost table</h1>
      {devices.length === 0 || models.length === 0 ? (
        <p className="alert error">
          A table belongs to a device profile and a model: {devices.length === 0 ? <Link href={`/o/${org}/devices/new`}>register a device</Link> : null}
          {devices.length === 0 && models.length === 0 ? ' and ' : null}
          {models.length === 0 ? <Link href={`/o/${org}/models`}>register a model</Link> : null} first. You can still preview a file below.
        </p>
      ) : null}
      <section className="panel">
        <TableUploadForm organizationId={organization.id} orgSlug={org} devices={devices} models={models} />
      </section>
    </>
  );
}

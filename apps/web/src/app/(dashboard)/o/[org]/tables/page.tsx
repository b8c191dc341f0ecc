import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Cost tables' };

export default async function TablesPage({ params }: { readonly params: Promise<{ org: string }> }) {
  const { org } = await params;
  return (
    <>
      <div className="topbar">
        <h1>Cost tables</h1>
        <Link className="button primary" href={`/o/${org}/tables/new`}>
          Upload a table
        </Link>
      </div>
    </>
  );
}

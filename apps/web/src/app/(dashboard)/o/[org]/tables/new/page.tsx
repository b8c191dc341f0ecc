import type { Metadata } from 'next';
import { TablePreview } from './table-preview';

export const metadata: Metadata = { title: 'Upload a cost table' };

export default function NewTablePage() {
  return (
    <>
      <h1>Upload a cost table</h1>
      <form className="panel" noValidate>
        <TablePreview />
      </form>
    </>
  );
}

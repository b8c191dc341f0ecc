import type { NextRequest } from 'next/server';
import { CostTableCsvDocument } from '@/graphql/generated';
import { ApiError, request } from '@/lib/api/graphql.server';
import { sessionToken } from '@/lib/api/session.server';
import { tableCsvFilename } from '@/lib/cost-table/table-filename';

/** A published cost table as the paper's long CSV, as a file download. */
export async function GET(_req: NextRequest, { params }: { params: Promise<{ org: string; id: string }> }): Promise<Response> {
  const { org, id } = await params;
  const token = await sessionToken();
  if (!token) return new Response('Sign in first.', { status: 401 });
  try {
    const { organization } = await request(token, CostTableCsvDocument, { slug: org, id });
    const table = organization.costTable;
    return new Response(table.csv, {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${tableCsvFilename(table)}"`,
        'cache-control': 'private, no-store',
      },
    });
  } catch (error) {
    if (error instanceof ApiError) return new Response(error.code === 'UNAUTHENTICATED' ? 'Sign in first.' : 'Not found.', { status: error.code === 'UNAUTHENTICATED' ? 401 : 404 });
    throw error;
  }
}

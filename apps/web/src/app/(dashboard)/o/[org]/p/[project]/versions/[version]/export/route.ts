import type { NextRequest } from 'next/server';
import { ProposalExportDocument } from '@/graphql/generated';
import type { ExportFormat } from '@/graphql/generated';
import { ApiError, request } from '@/lib/api/graphql.server';
import { sessionToken } from '@/lib/api/session.server';

const formats: readonly ExportFormat[] = ['ONNX', 'ULTRALYTICS_YAML', 'JSON'];

/** Streams an export as a file download; the API call carries the session from the cookie. */
export async function GET(req: NextRequest, { params }: { params: Promise<{ org: string; project: string; version: string }> }): Promise<Response> {
  const { org, project, version } = await params;
  const token = await sessionToken();
  if (!token) return new Response('Sign in first.', { status: 401 });
  const format = formats.find((f) => f === req.nextUrl.searchParams.get('format'));
  const rank = Number(req.nextUrl.searchParams.get('rank') ?? '1');
  if (!format || !Number.isInteger(rank) || rank < 1 || !/^\d+$/.test(version)) return new Response('Bad export request.', { status: 400 });
  try {
    const { organization } = await request(token, ProposalExportDocument, { slug: org, projectId: project, version: Number(version), rank, format });
    const file = organization.project.proposalSet.export;
    const body = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : Buffer.from(file.content, 'utf8');
    return new Response(body, {
      headers: {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        'cache-control': 'private, no-store',
      },
    });
  } catch (error) {
    if (error instanceof ApiError) return new Response(error.code === 'UNAUTHENTICATED' ? 'Sign in first.' : 'Not found.', { status: error.code === 'UNAUTHENTICATED' ? 401 : error.code === 'BAD_USER_INPUT' ? 400 : 404 });
    throw error;
  }
}

// npm run bench -w @actnas/api: loopback load on a fresh PostgreSQL database (DATABASE_URL's
// server, else the local one). Prints and writes bench-results/api.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { DEMO, createServer, seedDemo } from '../src/index.js';
import { createTestDatabase } from '../test/support/database.js';

const DASHBOARD = `query Dashboard($slug: String!) {
  organization(slug: $slug) {
    id name viewerRole
    projects(first: 10) { nodes { id name latestProposalSet { version status proposals { rank objective feasible totals { label total unit } } } } }
    deviceProfiles(first: 10) { nodes { id name runtime visibility } }
    costTables(first: 10) { nodes { id metric version provenance { source } } }
  }
}`;

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

async function load(url: string, token: string, connections: number, body: () => string, seconds = 10) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

const database = await createTestDatabase('bench');
const server = await createServer({ databaseUrl: database.url, port: 0, host: '127.0.0.1', searchWorkers: 2, introspection: false });
try {
  const seeded = await seedDemo(server.dataSource, server.services, new Date());
  const token = ((await gql(server.url, '', `mutation($i: SignInInput!) { signIn(input: $i) { token } }`, { i: { email: DEMO.email, password: DEMO.password } })) as {
    signIn: { token: string };
  }).signIn.token;
  const ids = (await gql(server.url, token, `query($slug: String!) { organization(slug: $slug) { projects { nodes { id } } costTables { nodes { id } } modelSpecs { nodes { id } } } }`, {
    slug: DEMO.slug,
  })) as { organization: { projects: { nodes: { id: string }[] }; costTables: { nodes: { id: string }[] }; modelSpecs: { nodes: { id: string }[] } } };
  const submission = (key: string, k: number) => ({
    input: {
      organizationId: seeded.organizationId,
      projectId: ids.organization.projects.nodes[0]!.id,
      modelSpecId: ids.organization.modelSpecs.nodes[0]!.id,
      costTableIds: ids.organization.costTables.nodes.map((n) => n.id),
      objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
      budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
      k,
      idempotencyKey: key,
    },
  });
  const SUBMIT = `mutation($input: SubmitSearchInput!) { submitSearch(input: $input) { id } }`;
  const STATUS = `query($slug: String!, $id: ID!) { organization(slug: $slug) { searchRequest(id: $id) { status } } }`;
  const finish = async (id: string) => {
    for (;;) {
      const data = (await gql(server.url, token, STATUS, { slug: DEMO.slug, id })) as { organization: { searchRequest: { status: string } } };
      if (data.organization.searchRequest.status === 'SUCCEEDED') return;
      if (data.organization.searchRequest.status === 'FAILED') throw new Error('search failed');
      await sleep(5);
    }
  };
  await finish(seeded.searchRequestId!);

  const latencies: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const data = (await gql(server.url, token, SUBMIT, submission(`latency-${run}`, 10))) as { submitSearch: { id: string } };
    await finish(data.submitSearch.id);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  const dashboardBody = JSON.stringify({ query: DASHBOARD, variables: { slug: DEMO.slug } });
  const dashboard50 = await load(server.url, token, 50, () => dashboardBody);
  const dashboard200 = await load(server.url, token, 200, () => dashboardBody);
  let n = 0;
  const submissions = await load(server.url, token, 20, () => JSON.stringify({ query: SUBMIT, variables: submission(`throughput-${n++}`, 1) }), 5);

  const report = {
    dashboard: [dashboard50, dashboard200],
    searchSubmission: submissions,
    submissionToProposalSetMs: { search: '69 sites × 5 candidates, ILP, top-10', median: latencies[2], min: latencies[0], max: latencies[4] },
  };
  console.table([dashboard50, dashboard200, { ...submissions, connections: `${submissions.connections} (submit)` }]);
  console.log('submission → proposal set (median of 5):', Math.round(latencies[2]!), 'ms');
  await mkdir('bench-results', { recursive: true });
  await writeFile('bench-results/api.json', JSON.stringify(report, null, 2));
} finally {
  await server.close();
  await database.drop();
}

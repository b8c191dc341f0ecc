import { setTimeout as sleep } from 'node:timers/promises';
import { PublishCostTableDocument, RegisterBuiltinModelSpecDocument, SearchRequestDocument } from '../../client/generated.js';
import type { SearchRequestFieldsFragment, SubmitSearchInput } from '../../client/generated.js';
import { exampleTable } from './examples.js';
import { createDeviceProfile, createProject } from './fixtures.js';
import type { OrgFixture } from './fixtures.js';

export interface SearchFixture {
  readonly projectId: string;
  readonly modelSpecId: string;
  readonly deviceProfileId: string;
  readonly tables: { readonly latency: string; readonly memory: string; readonly accuracy: string };
}

/** A project with yolov5nu and the synthetic latency, memory and accuracy tables of one device. */
export async function searchFixture(org: OrgFixture): Promise<SearchFixture> {
  const client = org.owner.client;
  const deviceProfileId = await createDeviceProfile(client, org.id);
  const { registerBuiltinModelSpec } = await client.data(RegisterBuiltinModelSpecDocument, {
    input: { organizationId: org.id, builtinName: 'yolov5nu' },
  });
  const publish = async (metric: 'latency' | 'memory' | 'accuracy') =>
    (
      await client.data(PublishCostTableDocument, {
        input: {
          organizationId: org.id,
          deviceProfileId,
          modelSpecId: registerBuiltinModelSpec.id,
          metric: metric.toUpperCase() as 'LATENCY',
          format: 'CSV',
          content: await exampleTable(metric),
          provenance: { source: 'SYNTHETIC' },
        },
      })
    ).publishCostTable.id;
  return {
    projectId: await createProject(client, org.id),
    modelSpecId: registerBuiltinModelSpec.id,
    deviceProfileId,
    tables: { latency: await publish('latency'), memory: await publish('memory'), accuracy: await publish('accuracy') },
  };
}

/** Minimise latency with an accuracy-drop budget over the three tables. */
export function searchInput(org: OrgFixture, f: SearchFixture, overrides: Partial<SubmitSearchInput> = {}): SubmitSearchInput {
  return {
    organizationId: org.id,
    projectId: f.projectId,
    modelSpecId: f.modelSpecId,
    costTableIds: [f.tables.latency, f.tables.memory, f.tables.accuracy],
    objective: { sense: 'MIN', metric: { metric: 'LATENCY' } },
    budgets: [{ metric: { metric: 'ACCURACY' }, bound: 'MIN', value: -0.005, of: 'DELTA' }],
    k: 3,
    ...overrides,
  };
}

export async function waitForSearch(org: OrgFixture, id: string, timeoutMs = 60_000): Promise<SearchRequestFieldsFragment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { organization } = await org.owner.client.data(SearchRequestDocument, { slug: org.slug, id });
    const request = organization.searchRequest;
    if (request.status === 'SUCCEEDED' || request.status === 'FAILED') return request;
    if (Date.now() > deadline) throw new Error(`search ${id} still ${request.status}`);
    await sleep(50);
  }
}

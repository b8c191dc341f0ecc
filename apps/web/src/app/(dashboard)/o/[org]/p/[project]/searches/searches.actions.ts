'use server';

import { redirect } from 'next/navigation';
import { SubmitSearchDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';
import type { SearchDraft } from './search.model';

export async function submitSearch(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  const projectId = text(form, 'projectId');
  let draft: SearchDraft;
  try {
    draft = JSON.parse(text(form, 'draft')) as SearchDraft;
  } catch {
    return { status: 'error', message: 'The form could not be read; reload the page.' };
  }
  const base = {
    organizationId: text(form, 'organizationId'),
    projectId,
    modelSpecId: draft.modelSpecId,
    costTableIds: [...draft.costTableIds],
    objective: { sense: draft.objective.sense, metric: { metric: draft.objective.metric, deviceProfileId: draft.objective.deviceProfileId } },
    budgets: draft.budgets.map((b) => ({ metric: { metric: b.metric, deviceProfileId: b.deviceProfileId }, bound: b.bound, of: b.of, value: b.value })),
    locks: [...draft.locks],
  };
  let id: string;
  try {
    id = (await mutate(SubmitSearchDocument, { input: { ...base, strategy: draft.strategy, k: draft.k, diversity: draft.diversity, idempotencyKey: draft.idempotencyKey } })).submitSearch.id;
    if (draft.compare) {
      // The paper's strategies as comparison points: each is a search (and a version) of its own.
      for (const strategy of ['LZCM', 'NAIVE'] as const) {
        await mutate(SubmitSearchDocument, { input: { ...base, strategy, k: 1, diversity: 1, idempotencyKey: `${draft.idempotencyKey}-${strategy.toLowerCase()}` } });
      }
    }
  } catch (error) {
    return formError(error, form);
  }
  redirect(`/o/${slug}/p/${projectId}/searches/${id}`);
}

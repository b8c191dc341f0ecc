'use server';

import { redirect, unstable_rethrow } from 'next/navigation';
import { SubmitSearchDocument } from '@/graphql/generated';
import { ApiError } from '@/lib/api/graphql.server';
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
    // The comparison strategies are queued with the search in one transaction: all or none.
    const compareWith = draft.compare ? (['LZCM', 'NAIVE'] as const).filter((s) => s !== draft.strategy) : [];
    const verify = draft.verify ? { verify: { rounds: draft.verify.rounds, deviceProfileId: draft.verify.deviceProfileId } } : {};
    id = (await mutate(SubmitSearchDocument, { input: { ...base, strategy: draft.strategy, k: draft.k, diversity: draft.diversity, idempotencyKey: draft.idempotencyKey, compareWith: [...compareWith], ...verify } })).submitSearch.id;
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof ApiError) return formError(error, form);
    // The API did not answer: the idempotency key makes submitting again safe.
    console.error('submitSearch', error);
    return { status: 'error', message: 'The API could not be reached. Submit again: the same search will not run twice.' };
  }
  redirect(`/o/${slug}/p/${projectId}/searches/${id}`);
}

'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { CostTableCheckDocument, PublishCostTableDocument } from '@/graphql/generated';
import type { CostTableCheckQuery, Metric, ProvenanceSource } from '@/graphql/generated';
import { ApiError } from '@/lib/api/graphql.server';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, optionalText, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

const metrics: readonly Metric[] = ['LATENCY', 'MEMORY', 'ACCURACY'];
const sources: readonly ProvenanceSource[] = ['MEASURED', 'IMPORTED', 'ESTIMATED', 'SYNTHETIC'];

export async function publishTable(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  const fieldErrors: Record<string, string> = {};
  const content = String(form.get('content') ?? '');
  if (!content.trim()) fieldErrors['content'] = 'Choose a CSV or JSON file first.';
  if (!text(form, 'deviceProfileId')) fieldErrors['deviceProfileId'] = 'Choose a device profile.';
  if (!text(form, 'modelSpecId')) fieldErrors['modelSpecId'] = 'Choose a model.';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Check the highlighted fields.', fieldErrors, values: echo(form) };
  const runs = Number(text(form, 'runs'));
  let id: string;
  try {
    id = (
      await mutate(PublishCostTableDocument, {
        input: {
          organizationId: text(form, 'organizationId'),
          deviceProfileId: text(form, 'deviceProfileId'),
          modelSpecId: text(form, 'modelSpecId'),
          metric: metrics.find((m) => m === text(form, 'metric')) ?? 'LATENCY',
          format: text(form, 'format') === 'JSON' ? 'JSON' : 'CSV',
          content,
          provenance: {
            source: sources.find((s) => s === text(form, 'source')) ?? 'IMPORTED',
            producer: optionalText(form, 'producer'),
            runs: Number.isInteger(runs) && runs > 0 ? runs : null,
            note: optionalText(form, 'note'),
          },
          partial: text(form, 'partial') === 'true',
        },
      })
    ).publishCostTable.id;
  } catch (error) {
    const state = formError(error, form);
    // The problems are listed once, by row; the API's message repeats every one of them.
    const problems = state.rowErrors?.length ?? 0;
    return problems > 0 ? { ...state, message: `The API rejected the file (${problems} problem${problems === 1 ? '' : 's'}, listed below).`, fieldErrors: {} } : state;
  }
  revalidatePath(`/o/${slug}/tables`);
  redirect(`/o/${slug}/tables/${id}`);
}

export type TableCheck = CostTableCheckQuery['organization']['costTableCheck'];

/** What the API says of a file for a model and metric before it is published (the preview's problems). */
export async function checkTable(input: { readonly orgSlug: string; readonly modelSpecId: string; readonly metric: Metric; readonly format: 'CSV' | 'JSON'; readonly content: string }): Promise<{ readonly check: TableCheck } | { readonly error: string }> {
  try {
    const { organization } = await mutate(CostTableCheckDocument, {
      slug: input.orgSlug,
      input: { modelSpecId: input.modelSpecId, metric: input.metric, format: input.format, content: input.content },
    });
    return { check: organization.costTableCheck };
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message };
    throw error;
  }
}

'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { PublishCostTableDocument } from '@/graphql/generated';
import type { Metric, ProvenanceSource } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, optionalText, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

const metrics: readonly Metric[] = ['LATENCY', 'MEMORY', 'ACCURACY'];
const sources: readonly ProvenanceSource[] = ['MEASURED', 'IMPORTED', 'ESTIMATED', 'SYNTHETIC'];

export async function publishTable(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  const fieldErrors: Record<string, string> = {};
  const content = String(form.get('content') ?? '');
  if (!content.trim()) fieldErrors['content'] = 'Choose a CSV or JSON file.';
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
        },
      })
    ).publishCostTable.id;
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${slug}/tables`);
  redirect(`/o/${slug}/tables/${id}`);
}

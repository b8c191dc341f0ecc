'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { CreateProfilingJobDocument } from '@/graphql/generated';
import type { Metric } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

const allMetrics: readonly Metric[] = ['LATENCY', 'MEMORY', 'ACCURACY'];

export async function createJob(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  const metrics = allMetrics.filter((m) => form.getAll('metrics').includes(m));
  if (metrics.length === 0) return { status: 'error', message: 'Choose at least one metric.', fieldErrors: { metrics: 'Choose at least one metric.' }, values: echo(form) };
  let id: string;
  try {
    id = (await mutate(CreateProfilingJobDocument, { input: { organizationId: text(form, 'organizationId'), deviceProfileId: text(form, 'deviceProfileId'), modelSpecId: text(form, 'modelSpecId'), metrics } })).createProfilingJob.id;
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${slug}/jobs`);
  redirect(`/o/${slug}/jobs/${id}`);
}

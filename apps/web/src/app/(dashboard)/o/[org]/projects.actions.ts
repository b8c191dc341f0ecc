'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { CreateProjectDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, optionalText, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function createProject(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  const name = text(form, 'name');
  if (!name) return { status: 'error', message: 'Give the project a name.', fieldErrors: { name: 'Required.' }, values: echo(form) };
  let id: string;
  try {
    id = (await mutate(CreateProjectDocument, { input: { organizationId: text(form, 'organizationId'), name, description: optionalText(form, 'description') } })).createProject.id;
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${slug}`, 'layout');
  redirect(`/o/${slug}/p/${id}`);
}

'use server';

import { redirect } from 'next/navigation';
import { CreateOrganizationDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function createOrganization(_previous: FormState, form: FormData): Promise<FormState> {
  let slug: string;
  try {
    slug = (await mutate(CreateOrganizationDocument, { input: { name: text(form, 'name'), slug: text(form, 'slug').toLowerCase() } })).createOrganization.slug;
  } catch (error) {
    return formError(error, form);
  }
  redirect(`/o/${slug}`);
}

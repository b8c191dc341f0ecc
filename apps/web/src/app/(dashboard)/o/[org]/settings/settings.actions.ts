'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { RemoveMembershipDocument, UpdateOrganizationDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function renameOrganization(_previous: FormState, form: FormData): Promise<FormState> {
  const name = text(form, 'name');
  if (!name) return { status: 'error', message: 'Give the organization a name.', fieldErrors: { name: 'Required.' }, values: echo(form) };
  try {
    await mutate(UpdateOrganizationDocument, { input: { organizationId: text(form, 'organizationId'), name } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}`, 'layout');
  return { status: 'ok', message: 'Renamed.' };
}

/** Leaves the organization (the API keeps its last owner); then on to another one, or to create one. */
export async function leaveOrganization(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await mutate(RemoveMembershipDocument, { input: { organizationId: text(form, 'organizationId'), membershipId: text(form, 'membershipId') } });
  } catch (error) {
    return formError(error);
  }
  revalidatePath('/', 'layout');
  redirect('/');
}

'use server';

import { revalidatePath } from 'next/cache';
import { CreateApiTokenDocument, RevokeApiTokenDocument } from '@/graphql/generated';
import type { ApiTokenScope } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

const scopes: readonly ApiTokenScope[] = ['READ', 'SEARCH_WRITE', 'DEVICES_WRITE', 'AGENT'];

export async function createToken(_previous: FormState, form: FormData): Promise<FormState> {
  const name = text(form, 'name');
  const chosen = scopes.filter((s) => form.getAll('scopes').includes(s));
  const fieldErrors: Record<string, string> = {};
  if (!name) fieldErrors['name'] = 'Give the token a name.';
  if (chosen.length === 0) fieldErrors['scopes'] = 'Choose at least one scope.';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Check the highlighted fields.', fieldErrors, values: echo(form) };
  const expiresIn = Number(text(form, 'expiresInDays'));
  const expiresAt = expiresIn > 0 ? new Date(Date.now() + expiresIn * 86_400_000).toISOString() : null;
  try {
    const { createApiToken } = await mutate(CreateApiTokenDocument, { input: { organizationId: text(form, 'organizationId'), name, scopes: chosen, expiresAt } });
    revalidatePath(`/o/${text(form, 'orgSlug')}/tokens`);
    return { status: 'ok', message: `Token “${createApiToken.apiToken.name}” created. Copy the secret now: it is shown only once.`, secret: createApiToken.secret };
  } catch (error) {
    return formError(error, form);
  }
}

export async function revokeToken(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await mutate(RevokeApiTokenDocument, { input: { organizationId: text(form, 'organizationId'), id: text(form, 'id') } });
  } catch (error) {
    return formError(error);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/tokens`);
  return { status: 'ok', message: 'Token revoked.' };
}

'use server';

import { revalidatePath } from 'next/cache';
import { ChangePasswordDocument, UpdateAccountDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function renameAccount(_previous: FormState, form: FormData): Promise<FormState> {
  const name = text(form, 'name');
  if (!name) return { status: 'error', message: 'Enter your name.', fieldErrors: { name: 'Required.' }, values: echo(form) };
  try {
    await mutate(UpdateAccountDocument, { input: { name } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath('/', 'layout');
  return { status: 'ok', message: 'Saved.' };
}

export async function changePassword(_previous: FormState, form: FormData): Promise<FormState> {
  const currentPassword = String(form.get('currentPassword') ?? '');
  const newPassword = String(form.get('newPassword') ?? '');
  const fieldErrors: Record<string, string> = {};
  if (!currentPassword) fieldErrors['currentPassword'] = 'Enter your current password.';
  if (newPassword.length < 10) fieldErrors['newPassword'] = 'At least 10 characters.';
  else if (newPassword !== String(form.get('repeatPassword') ?? '')) fieldErrors['repeatPassword'] = 'The two new passwords differ.';
  if (Object.keys(fieldErrors).length > 0) return { status: 'error', message: 'Check the highlighted fields.', fieldErrors };
  try {
    await mutate(ChangePasswordDocument, { input: { currentPassword, newPassword } });
  } catch (error) {
    return formError(error);
  }
  return { status: 'ok', message: 'Password changed. Your other sessions were signed out.' };
}

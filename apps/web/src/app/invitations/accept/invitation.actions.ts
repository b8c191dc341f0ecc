'use server';

import { redirect } from 'next/navigation';
import { AcceptInvitationDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { formError } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function acceptInvitation(_previous: FormState, form: FormData): Promise<FormState> {
  const token = String(form.get('token') ?? '').trim();
  if (!token) return { status: 'error', message: 'Paste the invitation token.', fieldErrors: { token: 'Required.' } };
  let slug: string;
  try {
    slug = (await mutate(AcceptInvitationDocument, { input: { token } })).acceptInvitation.slug;
  } catch (error) {
    return formError(error);
  }
  redirect(`/o/${slug}`);
}

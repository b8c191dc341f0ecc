'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { VerifyProposalSetDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';
import { parseRanks } from '@/lib/verification/ranks';

/** Queues measuring the chosen proposals on a device, then shows the version page with the job. */
export async function verifyOnDevice(_previous: FormState, form: FormData): Promise<FormState> {
  const page = text(form, 'versionPath');
  const parsed = parseRanks(text(form, 'ranks'));
  if ('error' in parsed) return { status: 'error', message: parsed.error, fieldErrors: { ranks: parsed.error }, values: echo(form) };
  if (!text(form, 'deviceProfileId')) return { status: 'error', message: 'Choose a device profile.', fieldErrors: { deviceProfileId: 'Choose a device profile.' }, values: echo(form) };
  try {
    await mutate(VerifyProposalSetDocument, {
      input: { organizationId: text(form, 'organizationId'), proposalSetId: text(form, 'proposalSetId'), deviceProfileId: text(form, 'deviceProfileId'), ranks: parsed.ranks },
    });
  } catch (error) {
    return formError(error, form);
  }
  // Only ever a page of this site: the form names the version page it sits on.
  const target = page.startsWith('/o/') ? page : '/';
  revalidatePath(target);
  redirect(`${target}#verification-heading`);
}

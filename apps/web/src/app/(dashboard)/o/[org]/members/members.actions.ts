'use server';

import { revalidatePath } from 'next/cache';
import { CreateInvitationDocument, RemoveMembershipDocument, RevokeInvitationDocument, UpdateMembershipRoleDocument } from '@/graphql/generated';
import type { Role } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { formError, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

const roles: readonly Role[] = ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];
const asRole = (value: string): Role => roles.find((r) => r === value) ?? 'MEMBER';

export async function changeRole(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await mutate(UpdateMembershipRoleDocument, { input: { organizationId: text(form, 'organizationId'), membershipId: text(form, 'membershipId'), role: asRole(text(form, 'role')) } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/members`);
  return { status: 'ok', message: 'Role updated.' };
}

export async function removeMember(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await mutate(RemoveMembershipDocument, { input: { organizationId: text(form, 'organizationId'), membershipId: text(form, 'membershipId') } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/members`);
  return { status: 'ok', message: 'Member removed.' };
}

export async function invite(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const { createInvitation } = await mutate(CreateInvitationDocument, { input: { organizationId: text(form, 'organizationId'), email: text(form, 'email'), role: asRole(text(form, 'role')) } });
    revalidatePath(`/o/${text(form, 'orgSlug')}/members`);
    return { status: 'ok', message: `Invitation for ${createInvitation.invitation.email} created. Give them this token; it is shown only once.`, secret: createInvitation.token };
  } catch (error) {
    return formError(error, form);
  }
}

export async function revokeInvitation(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    await mutate(RevokeInvitationDocument, { input: { organizationId: text(form, 'organizationId'), id: text(form, 'id') } });
  } catch (error) {
    return formError(error);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/members`);
  return { status: 'ok', message: 'Invitation revoked.' };
}

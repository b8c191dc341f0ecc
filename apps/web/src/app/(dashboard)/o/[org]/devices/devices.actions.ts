'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { CreateDeviceProfileDocument, DeleteDeviceProfileDocument, SetDeviceProfileVisibilityDocument, UpdateDeviceProfileDocument } from '@/graphql/generated';
import type { Visibility } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, optionalText, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

interface ProfileFields {
  name: string;
  processor: string;
  accelerator: string | null;
  runtime: string;
  runtimeVersion: string;
  threads: number;
  inputSize: number;
  memoryLimitKb: number | null;
  fusedActivations: string[];
}

/** Checks what the browser can't (integers, required text) before asking the API. */
function readProfile(form: FormData): { fields: ProfileFields; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const required = (name: string): string => {
    const value = text(form, name);
    if (!value) errors[name] = 'Required.';
    return value;
  };
  const integer = (name: string, min: number, optional = false): number | null => {
    const raw = text(form, name);
    if (raw === '' && optional) return null;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      errors[name] = `A whole number of at least ${min}.`;
      return null;
    }
    return value;
  };
  const fields: ProfileFields = {
    name: required('name'),
    processor: required('processor'),
    accelerator: optionalText(form, 'accelerator'),
    runtime: required('runtime'),
    runtimeVersion: required('runtimeVersion'),
    threads: integer('threads', 1) ?? 1,
    inputSize: integer('inputSize', 32) ?? 640,
    memoryLimitKb: integer('memoryLimitKb', 1, true),
    fusedActivations: form.getAll('fusedActivations').filter((v): v is string => typeof v === 'string'),
  };
  return { fields, errors };
}

export async function createDeviceProfile(_previous: FormState, form: FormData): Promise<FormState> {
  const { fields, errors } = readProfile(form);
  if (Object.keys(errors).length > 0) return { status: 'error', message: 'Check the highlighted fields.', fieldErrors: errors, values: echo(form) };
  const slug = text(form, 'orgSlug');
  let id: string;
  try {
    id = (await mutate(CreateDeviceProfileDocument, { input: { organizationId: text(form, 'organizationId'), ...fields } })).createDeviceProfile.id;
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${slug}/devices`);
  redirect(`/o/${slug}/devices/${id}`);
}

export async function updateDeviceProfile(_previous: FormState, form: FormData): Promise<FormState> {
  const { fields, errors } = readProfile(form);
  if (Object.keys(errors).length > 0) return { status: 'error', message: 'Check the highlighted fields.', fieldErrors: errors, values: echo(form) };
  try {
    await mutate(UpdateDeviceProfileDocument, { input: { organizationId: text(form, 'organizationId'), id: text(form, 'id'), ...fields } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/devices`, 'layout');
  return { status: 'ok', message: 'Saved.' };
}

const visibilities: readonly Visibility[] = ['PRIVATE', 'SHARED', 'PUBLIC'];

export async function setVisibility(_previous: FormState, form: FormData): Promise<FormState> {
  const visibility = visibilities.find((v) => v === text(form, 'visibility')) ?? 'PRIVATE';
  const sharedWith = text(form, 'sharedWith')
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (visibility === 'SHARED' && sharedWith.length === 0) {
    return { status: 'error', message: 'Name at least one organization to share with.', fieldErrors: { sharedWith: 'Enter organization slugs, separated by commas.' }, values: echo(form) };
  }
  try {
    await mutate(SetDeviceProfileVisibilityDocument, { input: { organizationId: text(form, 'organizationId'), id: text(form, 'id'), visibility, sharedWith } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/devices`, 'layout');
  return { status: 'ok', message: visibility === 'PUBLIC' ? 'Published to the public catalog.' : visibility === 'SHARED' ? `Shared with ${sharedWith.join(', ')}.` : 'Now private.' };
}

/** Deletes a profile, or answers what the API said (e.g. a role that may not delete one with published tables). */
export async function deleteDeviceProfile(_previous: FormState, form: FormData): Promise<FormState> {
  const slug = text(form, 'orgSlug');
  try {
    await mutate(DeleteDeviceProfileDocument, { input: { organizationId: text(form, 'organizationId'), id: text(form, 'id') } });
  } catch (error) {
    return formError(error);
  }
  revalidatePath(`/o/${slug}`, 'layout');
  redirect(`/o/${slug}/devices`);
}

'use server';

import { revalidatePath } from 'next/cache';
import { RegisterBuiltinModelSpecDocument, UploadModelSpecDocument } from '@/graphql/generated';
import { mutate } from '@/lib/api/session.server';
import { echo, formError, optionalText, text } from '@/lib/forms/form-errors.server';
import type { FormState } from '@/lib/forms/form-state';

export async function registerBuiltin(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const { registerBuiltinModelSpec } = await mutate(RegisterBuiltinModelSpecDocument, { input: { organizationId: text(form, 'organizationId'), builtinName: text(form, 'builtinName'), name: optionalText(form, 'name') } });
    revalidatePath(`/o/${text(form, 'orgSlug')}/models`);
    return { status: 'ok', message: `Model “${registerBuiltinModelSpec.name}” registered.` };
  } catch (error) {
    return formError(error, form);
  }
}

export async function uploadModel(_previous: FormState, form: FormData): Promise<FormState> {
  const file = form.get('file');
  const name = text(form, 'name');
  if (!(file instanceof File) || file.size === 0) return { status: 'error', message: 'Choose an ONNX or YAML file.', fieldErrors: { file: 'Required.' }, values: echo(form) };
  if (!name) return { status: 'error', message: 'Name the model.', fieldErrors: { name: 'Required.' }, values: echo(form) };
  const isOnnx = file.name.toLowerCase().endsWith('.onnx');
  const content = isOnnx ? Buffer.from(await file.arrayBuffer()).toString('base64') : await file.text();
  try {
    await mutate(UploadModelSpecDocument, { input: { organizationId: text(form, 'organizationId'), name, format: isOnnx ? 'ONNX' : 'YAML', content } });
  } catch (error) {
    return formError(error, form);
  }
  revalidatePath(`/o/${text(form, 'orgSlug')}/models`);
  return { status: 'ok', message: `Model “${name}” uploaded.` };
}

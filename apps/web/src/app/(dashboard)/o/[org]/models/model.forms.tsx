'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import { idle } from '@/lib/forms/form-state';
import { registerBuiltin, uploadModel } from './models.actions';

interface Props {
  readonly organizationId: string;
  readonly orgSlug: string;
}

export function BuiltinModelForm({ organizationId, orgSlug, names }: Props & { readonly names: readonly string[] }) {
  const [state, action] = useActionState(registerBuiltin, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <div className="field">
        <label htmlFor="builtin-name">Built-in model</label>
        <select id="builtin-name" name="builtinName" defaultValue={names[0]}>
          {names.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </div>
      <Field name="name" id="builtin-display-name" label="Display name (optional)" state={state} />
      <SubmitButton>Register model</SubmitButton>
    </form>
  );
}

export function UploadModelForm({ organizationId, orgSlug }: Props) {
  const [state, action] = useActionState(uploadModel, idle);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      <FormMessage state={state} />
      <Field name="name" id="upload-model-name" label="Model name" state={state} />
      <Field name="file" label="ONNX or Ultralytics YAML file" type="file" accept=".onnx,.yaml,.yml" state={state} />
      <SubmitButton>Upload model</SubmitButton>
    </form>
  );
}

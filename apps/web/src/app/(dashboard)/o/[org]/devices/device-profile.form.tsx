'use client';

import { useActionState } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import { SubmitButton } from '@/components/form/submit-button';
import type { DeviceProfileFieldsFragment } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { createDeviceProfile, updateDeviceProfile } from './devices.actions';

const fusable = ['ReLU', 'ReLU6', 'LeakyReLU', 'Hardswish', 'SiLU', 'Sigmoid'] as const;

/** Register a profile, or edit one when `profile` is given. */
export function DeviceProfileForm({ organizationId, orgSlug, profile }: { readonly organizationId: string; readonly orgSlug: string; readonly profile?: DeviceProfileFieldsFragment }) {
  const [state, action] = useActionState(profile ? updateDeviceProfile : createDeviceProfile, idle);
  const fused = new Set(profile?.fusedActivations ?? ['ReLU', 'ReLU6']);
  return (
    <form action={action} noValidate>
      <input type="hidden" name="organizationId" value={organizationId} />
      <input type="hidden" name="orgSlug" value={orgSlug} />
      {profile ? <input type="hidden" name="id" value={profile.id} /> : null}
      <FormMessage state={state} />
      <div className="grid-2">
        <Field name="name" label="Name" required defaultValue={profile?.name} state={state} />
        <Field name="processor" label="Processor" required placeholder="e.g. Cortex-A76" defaultValue={profile?.processor} state={state} />
        <Field name="accelerator" label="Accelerator (optional)" placeholder="e.g. Edge TPU" defaultValue={profile?.accelerator ?? ''} state={state} />
        <Field name="runtime" label="Runtime" required placeholder="e.g. onnxruntime" defaultValue={profile?.runtime} state={state} />
        <Field name="runtimeVersion" label="Runtime version" required placeholder="e.g. 1.30" defaultValue={profile?.runtimeVersion} state={state} />
        <Field name="threads" label="Threads" type="number" min={1} required defaultValue={profile?.threads ?? 1} state={state} />
        <Field name="inputSize" label="Input size (px)" type="number" min={32} step={32} required defaultValue={profile?.inputSize ?? 640} state={state} />
        <Field name="memoryLimitKb" label="Memory limit (KB, optional)" type="number" min={1} defaultValue={profile?.memoryLimitKb ?? ''} state={state} />
      </div>
      <fieldset>
        <legend>Activations fused into the preceding convolution</legend>
        <div className="checks">
          {fusable.map((a) => (
            <label key={a}>
              <input type="checkbox" name="fusedActivations" value={a} defaultChecked={fused.has(a)} /> {a}
            </label>
          ))}
        </div>
      </fieldset>
      <SubmitButton>{profile ? 'Save changes' : 'Register device'}</SubmitButton>
    </form>
  );
}

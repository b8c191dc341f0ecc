'use client';

import { startTransition, useActionState, useState } from 'react';
import type { FormEvent } from 'react';
import { Field } from '@/components/form/field';
import { FormMessage } from '@/components/form/form-message';
import type { DeviceProfileFieldsFragment } from '@/graphql/generated';
import { idle } from '@/lib/forms/form-state';
import { createDeviceProfile, updateDeviceProfile } from './devices.actions';

export interface ActivationKindOption {
  readonly id: string;
  readonly label: string;
}

/** What a new profile fuses until told otherwise: the clamps nearly every runtime folds into a convolution. */
const defaultFused = ['relu', 'relu6'];

/**
 * Register a profile, or edit one when `profile` is given: every field starts as stored, one box
 * per activation kind the API knows (plus any stored id it does not list), so saving without a
 * change stores the same profile.
 */
export function DeviceProfileForm({ organizationId, orgSlug, profile, kinds }: { readonly organizationId: string; readonly orgSlug: string; readonly profile?: DeviceProfileFieldsFragment; readonly kinds: readonly ActivationKindOption[] }) {
  const [state, dispatch, pending] = useActionState(profile ? updateDeviceProfile : createDeviceProfile, idle);
  const [fused, setFused] = useState<ReadonlySet<string>>(() => new Set(profile?.fusedActivations ?? defaultFused));
  const boxes = [...kinds, ...[...fused].filter((id) => !kinds.some((k) => k.id === id)).map((id) => ({ id, label: id }))];
  // Dispatched by hand so the form is not reset afterwards: a rejected save keeps every edit.
  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(() => dispatch(form));
  };
  const toggle = (id: string, on: boolean): void =>
    setFused((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <form onSubmit={onSubmit} noValidate>
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
          {boxes.map((kind) => (
            <label key={kind.id}>
              <input type="checkbox" name="fusedActivations" value={kind.id} checked={fused.has(kind.id)} onChange={(e) => toggle(kind.id, e.target.checked)} /> {kind.label}
            </label>
          ))}
        </div>
        <small className="hint">The memory model counts no buffer for a fused activation, so this changes memory estimates.</small>
      </fieldset>
      <button type="submit" className="button primary" disabled={pending} aria-busy={pending}>
        {profile ? 'Save changes' : 'Register device'}
      </button>
    </form>
  );
}

import type { InputHTMLAttributes } from 'react';
import type { FormState } from '@/lib/forms/form-state';

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  readonly name: string;
  readonly label: string;
  readonly state?: FormState;
  readonly hint?: string;
}

/** A labelled input whose server-side error is announced and tied to it. */
export function Field({ name, label, state, hint, id, defaultValue, ...input }: FieldProps) {
  const inputId = id ?? `field-${name}`;
  const error = state?.fieldErrors?.[name];
  const describedBy = [hint ? `${inputId}-hint` : '', error ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} name={name} defaultValue={state?.values?.[name] ?? defaultValue} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <small id={`${inputId}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${inputId}-error`} className="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

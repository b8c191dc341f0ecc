'use client';

import { useActionState, useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import type { FormState } from '@/lib/forms/form-state';
import { idle } from '@/lib/forms/form-state';
import { FormMessage } from './form-message';
import { SubmitButton } from './submit-button';

interface ConfirmActionProps {
  /** The server action that does the deed; its error shows in the dialog, its success message beside the button. */
  readonly action: (previous: FormState, form: FormData) => Promise<FormState>;
  readonly fields: Readonly<Record<string, string>>;
  /** The button that opens the dialog, and its accessible name when the text alone is ambiguous (e.g. one per row). */
  readonly trigger: string;
  readonly triggerLabel?: string;
  readonly triggerVariant?: 'danger' | 'plain';
  readonly title: string;
  /** What goes with it: said before anything happens. */
  readonly children: ReactNode;
  readonly confirm: string;
}

/**
 * A destructive action behind a confirmation: the button opens a modal dialog that says what will
 * be lost, and only its confirm button submits. Escape or Cancel closes it with nothing done.
 */
export function ConfirmAction({ action, fields, trigger, triggerLabel, triggerVariant = 'danger', title, children, confirm }: ConfirmActionProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, formAction] = useActionState(action, idle);
  useEffect(() => {
    if (state.status === 'ok') dialog.current?.close();
  }, [state]);
  return (
    <>
      <button type="button" className={`button ${triggerVariant}`} aria-label={triggerLabel} aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>
        {trigger}
      </button>
      {state.status === 'ok' ? <FormMessage state={state} /> : null}
      <dialog ref={dialog} className="confirm-dialog" aria-labelledby={titleId}>
        <form action={formAction}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <h2 id={titleId}>{title}</h2>
          <div className="confirm-body">{children}</div>
          {state.status === 'error' ? <FormMessage state={state} /> : null}
          <div className="row-actions">
            <button type="button" className="button plain" onClick={() => dialog.current?.close()} autoFocus>
              Cancel
            </button>
            <SubmitButton variant="danger">{confirm}</SubmitButton>
          </div>
        </form>
      </dialog>
    </>
  );
}

import type { FormState } from '@/lib/forms/form-state';

/** The form-level outcome, in a live region so screen readers hear it. */
export function FormMessage({ state }: { readonly state: FormState }) {
  return (
    <div role="status" aria-live="polite" className={state.status === 'error' ? 'alert error' : state.status === 'ok' && state.message ? 'alert ok' : 'sr-only'}>
      {state.status === 'idle' ? '' : (state.message ?? '')}
    </div>
  );
}

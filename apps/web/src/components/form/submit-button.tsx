'use client';

import type { ReactNode } from 'react';
import { useFormStatus } from 'react-dom';

export function SubmitButton({ children, variant = 'primary' }: { readonly children: ReactNode; readonly variant?: 'primary' | 'danger' | 'plain' }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={`button ${variant}`} disabled={pending} aria-busy={pending}>
      {children}
    </button>
  );
}

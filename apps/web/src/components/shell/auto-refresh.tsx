'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * Re-renders the server page every `intervalMs` while `active`: live status without handing the
 * session token to browser code.
 */
export function AutoRefresh({ active, intervalMs = 1500 }: { readonly active: boolean; readonly intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, router]);
  return active ? (
    <p className="muted" aria-live="off">
      Updating live…
    </p>
  ) : null;
}

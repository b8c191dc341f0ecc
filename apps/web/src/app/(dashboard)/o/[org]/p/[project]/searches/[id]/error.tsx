'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { startTransition, useEffect, useState } from 'react';

const RETRIES = 20;

/**
 * A running search's page polls the API; one failed poll (the API restarting, a dropped
 * connection) retries instead of ending on an error page. Only a lasting failure shows one.
 */
export default function SearchError({ error, reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  const router = useRouter();
  const { org, project } = useParams<{ org: string; project: string }>();
  const [attempt, setAttempt] = useState(0);
  const giveUp = attempt >= RETRIES;
  useEffect(() => {
    if (giveUp) return;
    const timer = setTimeout(() => {
      setAttempt((a) => a + 1);
      startTransition(() => {
        router.refresh();
        reset();
      });
    }, 1500);
    return () => clearTimeout(timer);
  }, [attempt, giveUp, reset, router]);
  return (
    <section className="panel" role={giveUp ? 'alert' : 'status'} aria-live="polite">
      <h1>Search</h1>
      {giveUp ? (
        <>
          <p>The API has not answered for a while{error.digest ? ` (reference ${error.digest})` : ''}. The search keeps running on the server.</p>
          <p>
            <Link href={`/o/${org}/p/${project}`}>Back to the project</Link>, where its result appears when it finishes.
          </p>
        </>
      ) : (
        <p className="muted">Waiting for the API… (retry {attempt + 1})</p>
      )}
    </section>
  );
}

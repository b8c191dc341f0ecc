'use client';

export default function ErrorPage({ error, reset }: { readonly error: Error & { digest?: string }; readonly reset: () => void }) {
  return (
    <main className="auth-card panel" role="alert">
      <h1>Something went wrong</h1>
      <p>{error.digest ? `Reference ${error.digest}.` : error.message}</p>
      <button type="button" className="button primary" onClick={reset}>
        Try again
      </button>
    </main>
  );
}

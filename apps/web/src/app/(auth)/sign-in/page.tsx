import type { Metadata } from 'next';
import Link from 'next/link';
import { safeNextPath } from '@/lib/auth/next-path';
import { SignInForm } from './sign-in.form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { readonly searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: raw } = await searchParams;
  const next = safeNextPath(typeof raw === 'string' ? raw : null);
  return (
    <main className="auth-card panel">
      <h1>Sign in to ActNAS</h1>
      {next ? <p className="muted">Sign in to continue to the page you asked for.</p> : null}
      <SignInForm next={next} />
      <p>
        New here? <Link href={next ? `/sign-up?next=${encodeURIComponent(next)}` : '/sign-up'}>Create an account</Link> · <Link href="/catalog">Public device catalog</Link> ·{' '}
        <Link href="/">What is ActNAS?</Link>
      </p>
    </main>
  );
}

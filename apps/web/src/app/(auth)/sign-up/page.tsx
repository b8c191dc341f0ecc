import type { Metadata } from 'next';
import Link from 'next/link';
import { safeNextPath } from '@/lib/auth/next-path';
import { SignUpForm } from './sign-up.form';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage({ searchParams }: { readonly searchParams: Promise<{ next?: string | string[] }> }) {
  const { next: raw } = await searchParams;
  const next = safeNextPath(typeof raw === 'string' ? raw : null);
  return (
    <main className="auth-card panel">
      <h1>Create your ActNAS account</h1>
      <SignUpForm next={next} />
      <p>
        Already have one? <Link href={next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in'}>Sign in</Link>
      </p>
    </main>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from './sign-in.form';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <main className="auth-card panel">
      <h1>Sign in to ActNAS</h1>
      <SignInForm />
      <p>
        New here? <Link href="/sign-up">Create an account</Link> · <Link href="/catalog">Public device catalog</Link>
      </p>
    </main>
  );
}

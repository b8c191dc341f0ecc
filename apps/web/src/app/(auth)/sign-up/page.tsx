import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from './sign-up.form';

export const metadata: Metadata = { title: 'Sign up' };

export default function SignUpPage() {
  return (
    <main className="auth-card panel">
      <h1>Create your ActNAS account</h1>
      <SignUpForm />
      <p>
        Already have one? <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}

import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="auth-card panel">
      <h1>Not found</h1>
      <p>This page does not exist, or you do not have access to it.</p>
      <Link href="/">Back to the dashboard</Link>
    </main>
  );
}

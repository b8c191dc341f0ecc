import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ViewerDocument } from '@/graphql/generated';
import { ApiError, request } from '@/lib/api/graphql.server';
import { sessionToken } from '@/lib/api/session.server';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: { absolute: 'ActNAS Platform: fast, accurate mixed-activation YOLO models for your edge hardware' } };

/** The signed-in user's first organization (or the page to create one); null for a visitor. */
async function home(): Promise<string | null> {
  const token = await sessionToken();
  if (!token) return null;
  try {
    const { organizations } = await request(token, ViewerDocument);
    const first = organizations.nodes[0];
    return first ? `/o/${first.slug}` : '/orgs/new';
  } catch (error) {
    // An expired or revoked session sees the landing page, as a visitor does.
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') return null;
    throw error;
  }
}

const steps = [
  {
    title: 'Register your device',
    text: 'Describe the hardware you deploy to: processor, accelerator, runtime and version, threads, input size, memory limit, and which activations its compiler fuses into convolutions.',
  },
  {
    title: 'Measure what each swap costs',
    text: 'Run the actnas device agent next to the hardware, or upload tables you measured: per activation site, the latency, memory and accuracy change of swapping SiLU for ReLU, Hardswish, ReLU6 or LeakyReLU, with confidence intervals.',
  },
  {
    title: 'Search under your budgets',
    text: 'Pick an objective (e.g. fastest) and budgets (e.g. at most 0.5 points of mAP lost, at most 1 MB of memory), per device. An integer program finds the best per-site assignment and k diverse alternatives, versioned per project.',
  },
  {
    title: 'Export and verify',
    text: 'Download the chosen model as ONNX with the activations rewritten, as an Ultralytics model YAML to retrain, or as JSON, and check it whole on the device. CI pipelines do the same through the GraphQL API with a token.',
  },
] as const;

/** What ActNAS does, for visitors; signed-in users go straight to their organization. */
export default async function HomePage() {
  const target = await home();
  if (target) redirect(target);
  return (
    <main className="landing" id="content">
      <header className="landing-hero">
        <p className="brand">ActNAS Platform</p>
        <h1>Faster YOLO models for your edge hardware, by choosing each activation</h1>
        <p className="lead">
          A YOLO model runs SiLU at dozens of places. Swapping some of them for cheaper activations makes it faster and lighter on a given device, at a small cost in accuracy, but which ones depends on the
          hardware. ActNAS measures that cost on your devices and finds the best mix within your budgets, following the ActNAS paper (Sah et al.).
        </p>
        <div className="row-actions">
          <Link className="button primary" href="/sign-up">
            Create an account
          </Link>
          <Link className="button plain" href="/sign-in">
            Sign in
          </Link>
          <Link href="/catalog">Browse the public device catalog</Link>
        </div>
      </header>
      <section aria-labelledby="how-heading">
        <h2 id="how-heading">How it works</h2>
        <ol className="landing-steps">
          {steps.map((step) => (
            <li key={step.title} className="panel">
              <h3>{step.title}</h3>
              <p>{step.text}</p>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="teams-heading" className="panel">
        <h2 id="teams-heading">For teams</h2>
        <p>
          Organizations keep their devices, tables and searches private, share a device and its tables with named partners, or publish it to the public catalog for anyone to search with. Roles (viewer, member,
          admin, owner), API tokens with scopes, and an audit log of every change come with it.
        </p>
      </section>
    </main>
  );
}

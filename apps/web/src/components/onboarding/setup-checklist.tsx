import Link from 'next/link';

export interface SetupState {
  readonly hasDevice: boolean;
  readonly hasModel: boolean;
  readonly hasTables: boolean;
  readonly hasSearch: boolean;
}

interface Step {
  readonly done: boolean;
  readonly title: string;
  readonly text: string;
  readonly links: readonly { readonly href: string; readonly label: string }[];
}

/**
 * The way from an empty organization to a first result: a device, cost tables measured on it,
 * a search. Shown until a search has produced proposals; each step says how to do it.
 */
export function SetupChecklist({ org, state }: { readonly org: string; readonly state: SetupState }) {
  const base = `/o/${org}`;
  const steps: readonly Step[] = [
    {
      done: state.hasDevice,
      title: 'Register a device',
      text: 'The hardware you deploy to: processor, runtime and version, threads, input size, and which activations its compiler fuses.',
      links: [{ href: `${base}/devices/new`, label: 'Register a device' }],
    },
    {
      done: state.hasTables,
      title: 'Publish or profile its cost tables',
      text: `What swapping each activation site costs on that device (latency, memory, accuracy). ${state.hasModel ? '' : 'Register the model first (yolov5nu and other YOLOs are built in), then '}upload tables you measured, or queue a profiling job for the actnas agent running next to the hardware.`,
      links: [
        ...(state.hasModel ? [] : [{ href: `${base}/models`, label: 'Register a model' }]),
        { href: `${base}/tables/new`, label: 'Upload a table' },
        { href: `${base}/jobs`, label: 'Start a profiling job' },
      ],
    },
    {
      done: state.hasSearch,
      title: 'Run a search',
      text: 'Create a project below, choose the tables, an objective and budgets (e.g. fastest, losing at most 0.5 points of mAP), and get ranked proposals to export as ONNX or an Ultralytics YAML.',
      links: [],
    },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <section className="panel checklist" aria-labelledby="setup-heading">
      <h2 id="setup-heading">Get started</h2>
      <p className="muted">
        {steps.filter((s) => s.done).length} of {steps.length} done.
      </p>
      <ol>
        {steps.map((step, i) => (
          <li key={step.title} className={step.done ? 'done' : i === next ? 'current' : undefined} aria-current={i === next ? 'step' : undefined}>
            <span className="checklist-mark" aria-hidden="true">
              {step.done ? '✓' : i + 1}
            </span>
            <div>
              <h3>
                {step.title}
                <span className="sr-only">{step.done ? ' (done)' : ' (to do)'}</span>
              </h3>
              <p>{step.text}</p>
              {!step.done && step.links.length > 0 ? (
                <div className="row-actions">
                  {step.links.map((link, j) => (
                    <Link key={link.href} className={`button ${i === next && j === 0 ? 'primary' : 'plain'}`} href={link.href}>
                      {link.label}
                    </Link>
                  ))}
                </div>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

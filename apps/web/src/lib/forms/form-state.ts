/** What a server action answers a form: a message, per-field errors, or a value to show once. */
export interface FormState {
  readonly status: 'idle' | 'error' | 'ok';
  readonly message?: string;
  readonly fieldErrors?: Readonly<Record<string, string>>;
  /** e.g. an API token's secret, shown once and never stored by the dashboard. */
  readonly secret?: string;
  readonly rowErrors?: readonly RowError[];
  /**
   * What was submitted, so a failed submission refills the form (React resets uncontrolled
   * fields after an action). Never holds passwords.
   */
  readonly values?: Readonly<Record<string, string>>;
}

export interface RowError {
  readonly row: number | null;
  readonly column: string | null;
  readonly message: string;
}

export const idle: FormState = { status: 'idle' };

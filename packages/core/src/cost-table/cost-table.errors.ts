/** One problem in a cost-table source. Rows count like a spreadsheet: the CSV header is row 1. */
export interface CostTableIssue {
  readonly row: number | null;
  readonly column: string | null;
  readonly message: string;
}

/** Issues an error keeps (and its message lists); `issueCount` says how many there were. */
export const MAX_LISTED_ISSUES = 100;

/**
 * Thrown when a cost table has any problem; nothing of it is accepted. Lists the first
 * MAX_LISTED_ISSUES issues (a file of 100k bad rows must not make a 17 MB error) and counts all.
 */
export class CostTableValidationError extends Error {
  override readonly name = 'CostTableValidationError';
  readonly issues: readonly CostTableIssue[];
  /** Every issue found, listed or not. */
  readonly issueCount: number;

  constructor(
    issues: readonly CostTableIssue[],
    readonly source = 'cost table',
  ) {
    const listed = issues.slice(0, MAX_LISTED_ISSUES);
    const more = issues.length - listed.length;
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${listed.map(formatIssue).join('; ')}${more > 0 ? `; … and ${more} more` : ''}`);
    this.issues = listed;
    this.issueCount = issues.length;
  }
}

export function formatIssue(issue: CostTableIssue): string {
  const where = [issue.row === null ? null : `row ${issue.row}`, issue.column === null ? null : `column "${issue.column}"`]
    .filter((p) => p !== null)
    .join(', ');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** One problem in a cost-table source. Rows count like a spreadsheet: the CSV header is row 1. */
export interface CostTableIssue {
  readonly row: number | null;
  readonly column: string | null;
  readonly message: string;
}

/** Thrown when a cost table has any problem; nothing of it is accepted. Lists every issue. */
export class CostTableValidationError extends Error {
  override readonly name = 'CostTableValidationError';

  constructor(
    readonly issues: readonly CostTableIssue[],
    readonly source = 'cost table',
  ) {
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}: ${issues.map(formatIssue).join('; ')}`);
  }
}

export function formatIssue(issue: CostTableIssue): string {
  const where = [issue.row === null ? null : `row ${issue.row}`, issue.column === null ? null : `column "${issue.column}"`]
    .filter((p) => p !== null)
    .join(', ');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

import { ApiError } from '../api/graphql.server';
import type { FormState, RowError } from './form-state';

const inputPrefix = /^input\./;

function isRowErrors(value: unknown): value is RowError[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && 'message' in v);
}

/** Turns an API error into form feedback: BAD_USER_INPUT with a field path marks that field. */
export function formError(error: unknown, form?: FormData): FormState {
  if (!(error instanceof ApiError)) throw error;
  const values = form ? echo(form) : undefined;
  const rows = error.details['rows'] ?? error.details['issues'];
  const rowErrors = isRowErrors(rows) ? rows : undefined;
  if (error.code === 'BAD_USER_INPUT' && error.field && error.field.length > 0) {
    const name = error.field.map(String).join('.').replace(inputPrefix, '');
    return { status: 'error', message: error.message, fieldErrors: { [name]: error.message }, ...(rowErrors ? { rowErrors } : {}), ...(values ? { values } : {}) };
  }
  return { status: 'error', message: error.message, ...(rowErrors ? { rowErrors } : {}), ...(values ? { values } : {}) };
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

export function optionalText(form: FormData, name: string): string | null {
  const value = text(form, name);
  return value === '' ? null : value;
}

const secretFields = new Set(['password', 'content']);

/** The submitted text fields, minus secrets and large payloads, to refill a form after an error. */
export function echo(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string' && !secretFields.has(name) && !name.startsWith('$ACTION')) values[name] = value;
  }
  return values;
}

import { ApiError } from '../api/graphql.server';
import type { FormState, RowError } from './form-state';

const inputPrefix = /^input\./;

function isRowErrors(value: unknown): value is RowError[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && 'message' in v);
}

/** Turns an API error into form feedback: BAD_USER_INPUT with a field path marks that field. */
export function formError(error: unknown): FormState {
  if (!(error instanceof ApiError)) throw error;
  const rows = error.details['rows'] ?? error.details['issues'];
  const rowErrors = isRowErrors(rows) ? rows : undefined;
  if (error.code === 'BAD_USER_INPUT' && error.field && error.field.length > 0) {
    const name = error.field.map(String).join('.').replace(inputPrefix, '');
    return { status: 'error', message: error.message, fieldErrors: { [name]: error.message }, ...(rowErrors ? { rowErrors } : {}) };
  }
  return { status: 'error', message: error.message, ...(rowErrors ? { rowErrors } : {}) };
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

export function optionalText(form: FormData, name: string): string | null {
  const value = text(form, name);
  return value === '' ? null : value;
}

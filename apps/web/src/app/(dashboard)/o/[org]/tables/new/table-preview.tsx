'use client';

import { useMemo } from 'react';
import type { ChangeEvent, Ref } from 'react';
import { RowErrors } from '@/components/cost-table/row-errors';
import { Heatmap } from '@/components/heatmap/heatmap';
import { previewCsv, previewJson } from '@/lib/cost-table/cost-table-preview';
import type { TableCheck } from '../tables.actions';

export interface ChosenFile {
  readonly name: string;
  readonly sizeBytes: number;
  readonly text: string;
  readonly format: 'CSV' | 'JSON';
}

/** Missing sites named before the rest are counted. */
const NAMED_SITES = 8;

interface TablePreviewProps {
  readonly ref?: Ref<HTMLInputElement>;
  readonly metric: string;
  readonly file: ChosenFile | null;
  readonly onFile: (file: ChosenFile) => void;
  readonly fileError: string | null;
  readonly checking: boolean;
  /** The API's check of the file for the chosen model and metric (the authority on problems). */
  readonly check: TableCheck | null;
  readonly checkError: string | null;
  /** No model to check against yet: the in-browser reading's problems stand in for the API's. */
  readonly localOnly: boolean;
  readonly partial: boolean;
  readonly onPartial: (partial: boolean) => void;
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * The file picker and preview of the upload form: the heatmap is drawn from an in-browser reading
 * of the file, and the problems listed are the API's check of it, so their rows are the rows a
 * publish would report.
 */
export function TablePreview({ ref, metric, file, onFile, fileError, checking, check, checkError, localOnly, partial, onPartial }: TablePreviewProps) {
  const preview = useMemo(() => (file ? (file.format === 'JSON' ? previewJson(file.text) : previewCsv(file.text)) : null), [file]);

  const onChange = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    const text = await chosen.text();
    const isJson = chosen.name.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
    onFile({ name: chosen.name, sizeBytes: chosen.size, text, format: isJson ? 'JSON' : 'CSV' });
  };

  const missing = check?.missingSites ?? [];
  const described = ['table-file-hint', file ? 'table-file-chosen' : '', fileError ? 'table-file-error' : ''].filter(Boolean).join(' ');
  return (
    <>
      <div className="field">
        <label htmlFor="table-file">Cost table file (CSV or JSON)</label>
        <input ref={ref} id="table-file" type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => void onChange(e)} aria-describedby={described} aria-invalid={fileError ? true : undefined} />
        <small id="table-file-hint" className="hint">
          The paper&apos;s long CSV: layer, activation, reference, delta and optionally std, ci_low, ci_high, runs, unit — or actnas.cost-table/v1 JSON.
        </small>
        {file ? (
          <small id="table-file-chosen" data-testid="chosen-file">
            Chosen: {file.name} ({kilobytes(file.sizeBytes)})
          </small>
        ) : null}
        {fileError ? (
          <small id="table-file-error" className="field-error" role="alert">
            {fileError}
          </small>
        ) : null}
      </div>
      {preview && file ? (
        <section aria-labelledby="preview-heading" className="panel">
          <h2 id="preview-heading">Preview</h2>
          <p>
            {preview.sites.length} sites × {new Set(preview.cells.map((c) => c.activation)).size} activations, {preview.cells.length} cells.
          </p>
          <p role="status" className="muted">
            {checking
              ? 'Checking the file against the model…'
              : check
                ? check.issueCount === 0 && missing.length === 0
                  ? `Checked: no problems; covers all ${check.modelSiteCount} sites of the model.`
                  : check.issueCount > 0
                    ? `Checked: ${check.issueCount} problem${check.issueCount === 1 ? '' : 's'}.`
                    : `Checked: lacks ${missing.length} of the model's ${check.modelSiteCount} sites.`
                : (checkError ?? '')}
          </p>
          {check ? <RowErrors errors={check.issues} total={check.issueCount} title="Problems in the file" /> : null}
          {localOnly ? <RowErrors errors={preview.errors} title="Problems in the file" /> : null}
          {check && check.issueCount === 0 && missing.length > 0 ? (
            <div className="alert warning" data-testid="missing-sites">
              <p>
                The file has no rows for {missing.length} of the {check.modelSiteCount} sites of this model: {missing.slice(0, NAMED_SITES).join(', ')}
                {missing.length > NAMED_SITES ? ` and ${missing.length - NAMED_SITES} more` : ''}.
              </p>
              <label>
                <input type="checkbox" checked={partial} onChange={(e) => onPartial(e.target.checked)} /> Publish it as a partial table: it is never chosen by default, and serves only searches that lock those sites to
                their reference activation.
              </label>
            </div>
          ) : null}
          {preview.cells.length > 0 ? <Heatmap cells={preview.cells} sites={preview.sites} unit={preview.unit || ''} title="Delta per site and activation" lowerIsBetter={metric !== 'ACCURACY'} /> : null}
        </section>
      ) : null}
    </>
  );
}

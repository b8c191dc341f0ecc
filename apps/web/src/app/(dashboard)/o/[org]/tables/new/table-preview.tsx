'use client';

import { useState } from 'react';
import type { ChangeEvent } from 'react';
import { RowErrors } from '@/components/cost-table/row-errors';
import { Heatmap } from '@/components/heatmap/heatmap';
import { previewCsv, previewJson } from '@/lib/cost-table/cost-table-preview';
import type { PreviewResult } from '@/lib/cost-table/cost-table-preview';

/**
 * The file picker of the upload form: reads the chosen file in the browser, keeps its text in a
 * hidden field for the server action, and previews it as a heatmap with row/column problems.
 */
export function TablePreview({ metric }: { readonly metric?: string }) {
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [content, setContent] = useState('');
  const [format, setFormat] = useState<'CSV' | 'JSON'>('CSV');

  const onFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    const isJson = file.name.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
    setFormat(isJson ? 'JSON' : 'CSV');
    setContent(text);
    setPreview(isJson ? previewJson(text) : previewCsv(text));
  };

  return (
    <>
      <div className="field">
        <label htmlFor="table-file">Cost table file (CSV or JSON)</label>
        <input id="table-file" type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => void onFile(e)} aria-describedby="table-file-hint" />
        <small id="table-file-hint" className="hint">
          The paper&apos;s long CSV: layer, activation, reference, delta and optionally std, ci_low, ci_high, unit — or actnas.cost-table/v1 JSON.
        </small>
      </div>
      <input type="hidden" name="content" value={content} />
      <input type="hidden" name="format" value={format} />
      {preview ? (
        <section aria-labelledby="preview-heading" className="panel">
          <h2 id="preview-heading">Preview</h2>
          <p>
            {preview.sites.length} sites × {new Set(preview.cells.map((c) => c.activation)).size} activations, {preview.cells.length} cells.
          </p>
          <RowErrors errors={preview.errors} title="Problems found in the file" />
          {preview.cells.length > 0 ? <Heatmap cells={preview.cells} sites={preview.sites} unit={preview.unit || ''} title="Delta per site and activation" lowerIsBetter={metric !== 'ACCURACY'} /> : null}
        </section>
      ) : null}
    </>
  );
}

'use client';

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { buildGrid, deltaColour, describeCell } from './heatmap.model';
import type { HeatCell } from './heatmap.model';

const ROW_HEIGHT = 22;
const LABEL_WIDTH = 96;
const MIN_COLUMN = 4;
/** Site labels are drawn vertically under their columns, at least this far apart. */
const SITE_LABEL_PITCH = 13;
const SITE_BAND_MAX = 120;

interface HeatmapProps {
  readonly cells: readonly HeatCell[];
  readonly sites?: readonly string[];
  readonly unit: string;
  readonly title: string;
  /** false for metrics where higher is better (accuracy). */
  readonly lowerIsBetter?: boolean;
  /** A colour scale shared with other heatmaps (the largest |delta| among them); default: this one's. */
  readonly extent?: number;
  /** Offer the table as CSV: from `href` (a published table), else built from the cells. */
  readonly download?: { readonly filename: string; readonly href?: string };
}

/**
 * Sites × activations on one canvas: thousands of cells draw in a single pass without a DOM node
 * each. Pointer hover and arrow keys pick a cell; its value and CI appear in a tooltip and a live
 * region for screen readers.
 */
export function Heatmap({ cells, sites, unit, title, lowerIsBetter = true, extent, download }: HeatmapProps) {
  const built = useMemo(() => buildGrid(cells, sites), [cells, sites]);
  const grid = useMemo(() => (extent === undefined ? built : { ...built, extent }), [built, extent]);
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [active, setActive] = useState<{ row: number; column: number } | null>(null);
  const columns = grid.sites.length;
  const rows = grid.activations.length;
  const columnWidth = Math.max(MIN_COLUMN, columns === 0 ? MIN_COLUMN : (Math.max(width, 320) - LABEL_WIDTH) / columns);
  const canvasWidth = Math.ceil(LABEL_WIDTH + columnWidth * columns);
  const labelEvery = Math.max(1, Math.ceil(SITE_LABEL_PITCH / columnWidth));
  const siteBand = columns === 0 ? 0 : Math.min(SITE_BAND_MAX, 8 + 6.5 * Math.max(...grid.sites.map((site) => shortSite(site).length)));
  const gridHeight = rows * ROW_HEIGHT;
  const canvasHeight = gridHeight + siteBand;

  // Measured before paint so the first frame already has the grid.
  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap) return;
    setWidth(wrap.clientWidth);
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(wrap);
    return () => observer.disconnect();
  }, []);

  // The grid is drawn once per data or size change; hovering only redraws the thin overlay.
  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = canvasWidth * ratio;
    canvas.height = canvasHeight * ratio;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, canvasWidth, canvasHeight);
    context.font = '12px system-ui, sans-serif';
    context.textBaseline = 'middle';
    const cellWidth = Math.max(1, columnWidth - (columnWidth > 6 ? 1 : 0));
    for (let row = 0; row < rows; row++) {
      context.fillStyle = '#16181d';
      context.fillText(grid.activations[row] ?? '', 4, row * ROW_HEIGHT + ROW_HEIGHT / 2, LABEL_WIDTH - 8);
      for (let column = 0; column < columns; column++) {
        context.fillStyle = deltaColour(grid.values[row * columns + column] ?? Number.NaN, grid.extent, lowerIsBetter);
        context.fillRect(LABEL_WIDTH + column * columnWidth, row * ROW_HEIGHT + 1, cellWidth, ROW_HEIGHT - 2);
      }
    }
    // Site names under their columns, read bottom to top; every `labelEvery`-th when columns are narrow.
    context.font = '11px system-ui, sans-serif';
    context.fillStyle = '#374151';
    context.textAlign = 'right';
    for (let column = 0; column < columns; column += labelEvery) {
      context.save();
      context.translate(LABEL_WIDTH + (column + 0.5) * columnWidth, gridHeight + 4);
      context.rotate(-Math.PI / 2);
      context.fillText(shortSite(grid.sites[column] ?? ''), 0, 0, siteBand - 6);
      context.restore();
    }
    context.textAlign = 'left';
    canvas.dataset['rendered'] = String(columns * rows);
    canvas.dataset['siteLabels'] = String(Math.ceil(columns / labelEvery));
  }, [grid, width, columnWidth, canvasWidth, canvasHeight, gridHeight, rows, columns, lowerIsBetter, labelEvery, siteBand]);

  useEffect(() => {
    const overlay = overlayRef.current;
    const context = overlay?.getContext('2d');
    if (!overlay || !context || width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    if (overlay.width !== canvasWidth * ratio || overlay.height !== canvasHeight * ratio) {
      overlay.width = canvasWidth * ratio;
      overlay.height = canvasHeight * ratio;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, canvasWidth, canvasHeight);
    if (!active) return;
    context.strokeStyle = '#111827';
    context.lineWidth = 2;
    context.strokeRect(LABEL_WIDTH + active.column * columnWidth, active.row * ROW_HEIGHT + 1, columnWidth, ROW_HEIGHT - 2);
  }, [active, width, columnWidth, canvasWidth, canvasHeight]);

  const cellAt = (event: MouseEvent<HTMLCanvasElement>): { row: number; column: number } | null => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - rect.left - LABEL_WIDTH;
    const y = event.clientY - rect.top;
    const column = Math.floor(x / columnWidth);
    const row = Math.floor(y / ROW_HEIGHT);
    return column >= 0 && column < columns && row >= 0 && row < rows ? { row, column } : null;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>): void => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0], Home: [0, -columns], End: [0, columns] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const from = active ?? { row: 0, column: 0 };
    setActive({ row: Math.max(0, Math.min(rows - 1, from.row + move[0])), column: Math.max(0, Math.min(columns - 1, from.column + move[1])) });
  };

  const activeCell = active ? grid.cells[active.row * columns + active.column] : undefined;
  const activeText = activeCell ? describeCell(activeCell, unit) : active ? `${grid.sites[active.column]} → ${grid.activations[active.row]}: no value` : '';
  return (
    <figure className="heatmap" style={{ margin: 0 }}>
      <figcaption className="label">{title}</figcaption>
      <div ref={wrapRef} style={{ position: 'relative', overflowX: 'auto' }}>
        <canvas
          ref={canvasRef}
          role="img"
          tabIndex={0}
          aria-label={`${title}: ${columns} sites by ${rows} activations, colour by delta in ${unit}, site names under the columns${labelEvery > 1 ? ` (every ${labelEvery}th)` : ''}. Use the arrow keys to read cells.`}
          aria-describedby="heatmap-focus"
          data-testid="heatmap"
          style={{ width: canvasWidth, height: canvasHeight, display: 'block', cursor: 'crosshair' }}
          onMouseMove={(event) => {
            const next = cellAt(event);
            setActive((current) => (current?.row === next?.row && current?.column === next?.column ? current : next));
          }}
          onMouseLeave={() => setActive(null)}
          onKeyDown={onKeyDown}
          onFocus={() => setActive((a) => a ?? { row: 0, column: 0 })}
        />
        <canvas ref={overlayRef} aria-hidden="true" style={{ position: 'absolute', left: 0, top: 0, width: canvasWidth, height: canvasHeight, pointerEvents: 'none' }} />
        {active && activeText ? (
          <div
            role="tooltip"
            className="heatmap-tooltip"
            style={{
              position: 'absolute',
              left: Math.min(LABEL_WIDTH + (active.column + 1) * columnWidth + 8, Math.max(0, canvasWidth - 260)),
              top: (active.row + 1) * ROW_HEIGHT + 4,
            }}
          >
            {activeText}
          </div>
        ) : null}
      </div>
      <p id="heatmap-focus" className="sr-only" aria-live="polite">
        {activeText}
      </p>
      <div className="row-actions" style={{ justifyContent: 'space-between' }}>
        <HeatmapLegend extent={grid.extent} unit={unit} lowerIsBetter={lowerIsBetter} />
        {download ? <CsvDownload download={download} cells={cells} sites={grid.sites} unit={unit} /> : null}
      </div>
    </figure>
  );
}

/** `model.2.m.0.cv1.act` → `2.m.0.cv1`: the part that tells sites apart. */
export function shortSite(site: string): string {
  return site.replace(/^model\./, '').replace(/\.act$/, '');
}

function csvOf(cells: readonly HeatCell[], sites: readonly string[], unit: string): string {
  const order = new Map(sites.map((s, i) => [s, i]));
  const rows = [...cells].sort((a, b) => (order.get(a.site) ?? 0) - (order.get(b.site) ?? 0));
  const field = (v: number | null | undefined): string => (v == null ? '' : String(v));
  const quote = (text: string): string => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return ['layer,activation,delta,std,ci_low,ci_high,runs,unit', ...rows.map((c) => [quote(c.site), quote(c.activation), field(c.delta), field(c.std), field(c.ciLow), field(c.ciHigh), field(c.runs), quote(unit)].join(','))].join('\n') + '\n';
}

/** A published table downloads from its route; anything else (a difference) from its cells. */
function CsvDownload({ download, cells, sites, unit }: { readonly download: NonNullable<HeatmapProps['download']>; readonly cells: readonly HeatCell[]; readonly sites: readonly string[]; readonly unit: string }) {
  if (download.href) {
    return (
      <a className="button plain" href={download.href} download={download.filename}>
        Download CSV
      </a>
    );
  }
  return (
    <button
      type="button"
      className="button plain"
      onClick={() => {
        const url = URL.createObjectURL(new Blob([csvOf(cells, sites, unit)], { type: 'text/csv' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = download.filename;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}
    >
      Download CSV
    </button>
  );
}

function HeatmapLegend({ extent, unit, lowerIsBetter }: { readonly extent: number; readonly unit: string; readonly lowerIsBetter: boolean }) {
  const stops = [-1, -0.5, 0, 0.5, 1];
  return (
    <div className="legend" aria-label="Colour scale">
      {stops.map((s) => (
        <span key={s} className="legend-item">
          <span className="swatch" style={{ background: deltaColour(s * extent, extent, lowerIsBetter) }} aria-hidden="true" />
          {s === 0 ? '0' : `${s > 0 ? '+' : '−'}${Math.abs(s * extent).toPrecision(2)}`} {unit}
        </span>
      ))}
    </div>
  );
}

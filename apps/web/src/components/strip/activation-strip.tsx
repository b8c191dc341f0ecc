'use client';

import { activationColour, activationTextColour } from './activation-colours';

export interface StripSite {
  readonly site: string;
  readonly activation: string;
}

interface StripProps {
  readonly sites: readonly StripSite[];
  readonly label: string;
  /** Sites whose activation is locked; with `onToggleLock` each cell becomes a toggle button. */
  readonly locked?: ReadonlySet<string>;
  readonly onToggleLock?: (site: string) => void;
  /** Sites to outline, e.g. those a newer version changed. */
  readonly highlighted?: ReadonlySet<string>;
}

/** One cell per activation site, coloured by its activation, in model order. */
export function ActivationStrip({ sites, label, locked, onToggleLock, highlighted }: StripProps) {
  const kinds = [...new Set(sites.map((s) => s.activation))];
  return (
    <figure className="strip-figure">
      <figcaption className="label">{label}</figcaption>
      <ol className="strip" aria-label={label}>
        {sites.map((s, i) => {
          const isLocked = locked?.has(s.site) ?? false;
          const name = `Site ${i + 1}, ${s.site}: ${s.activation}${isLocked ? ', locked' : ''}${highlighted?.has(s.site) ? ', changed' : ''}`;
          const style = {
            background: activationColour(s.activation),
            color: activationTextColour(s.activation),
            outline: highlighted?.has(s.site) ? '2px solid #111827' : undefined,
          };
          return (
            <li key={s.site} className="strip-cell-wrap">
              {onToggleLock ? (
                <button type="button" className={`strip-cell${isLocked ? ' locked' : ''}`} style={style} aria-pressed={isLocked} aria-label={`${name}. Toggle lock`} title={name} onClick={() => onToggleLock(s.site)}>
                  {isLocked ? '■' : ''}
                </button>
              ) : (
                <span className="strip-cell" style={style} role="img" aria-label={name} title={name} />
              )}
            </li>
          );
        })}
      </ol>
      <div className="legend" aria-label="Activations">
        {kinds.map((k) => (
          <span key={k} className="legend-item">
            <span className="swatch" style={{ background: activationColour(k) }} aria-hidden="true" />
            {k}
          </span>
        ))}
        {locked && locked.size > 0 ? <span className="legend-item">■ locked ({locked.size})</span> : null}
      </div>
    </figure>
  );
}

import type { ReactNode } from 'react';

/** A horizontally scrollable table box that keyboard users can focus and scroll. */
export function TableWrap({ label, children, className, maxHeight }: { readonly label: string; readonly children: ReactNode; readonly className?: string; readonly maxHeight?: number }) {
  return (
    // Focusable so keyboard users can scroll it (WCAG 2.1.1).
    <div className={`table-wrap${className ? ` ${className}` : ''}`} role="region" aria-label={label} tabIndex={0} style={maxHeight ? { maxHeight, overflowY: 'auto' } : undefined}>
      {children}
    </div>
  );
}

export function ProgressBar({ value, label }: { readonly value: number; readonly label: string }) {
  const percent = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div className="progress-wrap">
      <progress max={100} value={percent} aria-label={label}>
        {percent}%
      </progress>
      <span>{percent}%</span>
    </div>
  );
}

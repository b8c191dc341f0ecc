/** Marks a cost table that lacks sites of its model spec (published as partial). */
export function PartialBadge({ missing }: { readonly missing: number }) {
  return (
    <span className="badge partial" title="Published as partial: searches use it only when they lock its missing sites to their reference">
      partial: lacks {missing} site{missing === 1 ? '' : 's'}
    </span>
  );
}

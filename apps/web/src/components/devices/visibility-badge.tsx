import type { Visibility } from '@/graphql/generated';

export function VisibilityBadge({ visibility }: { readonly visibility: Visibility }) {
  return <span className={`badge ${visibility.toLowerCase()}`}>{visibility.toLowerCase()}</span>;
}

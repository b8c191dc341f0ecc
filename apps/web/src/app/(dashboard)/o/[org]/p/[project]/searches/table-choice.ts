import type { Visibility } from '@/graphql/generated';
import type { TableOption } from './search.model';

/** What the form needs to know of a table beyond its option: whose it is, and whether it is whole. */
export interface TableOrigin {
  readonly partial: boolean;
  readonly missingSites: readonly string[];
  readonly deviceProfile: { readonly id: string; readonly name: string; readonly visibility: Visibility; readonly owner: { readonly id: string; readonly name: string } };
}

export type ChoosableTable = TableOption & TableOrigin;

interface ModelSites {
  readonly sites: readonly { readonly name: string; readonly reference: string }[];
}

/**
 * The tables ticked when the form opens (or the model changes): this organization's own, complete
 * tables, the newest version per metric and device (`tables` come newest first). Tables of profiles
 * shared with it or in the public catalog are offered, never chosen for the user.
 */
export function defaultTableIds(tables: readonly ChoosableTable[], organizationId: string, modelName: string | undefined): string[] {
  const seen = new Set<string>();
  return tables
    .filter((t) => t.modelSpecName === modelName && t.deviceProfile.owner.id === organizationId && !t.partial)
    .filter((t) => {
      const key = `${t.metric}@${t.deviceProfile.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((t) => t.id);
}

/** Sites of a partial table the search still needs: the missing ones not locked to their reference. */
export function uncoveredSites(table: TableOrigin, model: ModelSites | undefined, locks: ReadonlyMap<string, string>): string[] {
  const reference = new Map(model?.sites.map((s) => [s.name, s.reference]));
  return table.missingSites.filter((site) => locks.get(site) === undefined || locks.get(site) !== reference.get(site));
}

/** Why a table cannot serve the search as it stands, or null when it can. */
export function unusableBecause(table: ChoosableTable, model: ModelSites | undefined, locks: ReadonlyMap<string, string>): string | null {
  const uncovered = uncoveredSites(table, model, locks);
  if (uncovered.length === 0) return null;
  const named = `${uncovered.slice(0, 3).join(', ')}${uncovered.length > 3 ? ` and ${uncovered.length - 3} more` : ''}`;
  return `partial: no rows for ${uncovered.length} site${uncovered.length === 1 ? '' : 's'} (${named}); lock them to their reference to use it`;
}

/** Whose table it is, as the option shows it. */
export function originOf(table: TableOrigin, organizationId: string): string | null {
  if (table.deviceProfile.owner.id === organizationId) return null;
  return table.deviceProfile.visibility === 'PUBLIC' ? `public catalog, by ${table.deviceProfile.owner.name}` : `shared by ${table.deviceProfile.owner.name}`;
}

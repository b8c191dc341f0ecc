export type { SearchSite, SearchSpace, SearchSpaceInput, SiteInput } from './search-space.js';
export { SearchSpaceError, createSearchSpace, lockSite, restrictSite, siteIndex } from './search-space.js';

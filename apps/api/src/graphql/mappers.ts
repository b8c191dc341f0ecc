// What resolvers return for each GraphQL type (the codegen "mappers"): entities, not DTO copies.
import type { ApiToken } from '../modules/api-tokens/api-token.entity.js';
import type { AuditEvent } from '../modules/audit/audit-event.entity.js';
import type { DeviceProfile } from '../modules/device-profiles/device-profile.entity.js';
import type { Invitation } from '../modules/invitations/invitation.entity.js';
import type { Membership } from '../modules/memberships/membership.entity.js';
import type { Organization } from '../modules/organizations/organization.entity.js';
import type { Project } from '../modules/projects/project.entity.js';
import type { User } from '../modules/users/user.entity.js';
import type { CostTableRow } from '../modules/cost-tables/cost-table.entity.js';
import type { ModelSpec } from '../modules/model-specs/model-spec.entity.js';
import type { ProposalSetRow } from '../modules/proposal-sets/proposal-set.entity.js';
import type { SearchRequestRow, VerificationRound, VerificationState, VerificationStop } from '../modules/searches/search-request.entity.js';
import type { ProposalSetDiff } from '../modules/proposal-sets/proposal-set.diff.js';
import type { MetricRef, Proposal, StrategyName } from '@actnas/core';
import type { ProfilingJob } from '../modules/profiling-jobs/profiling-job.entity.js';
import type { VerificationJob } from '../modules/verification-jobs/verification-job.entity.js';
import type { Lease } from '../modules/profiling-jobs/profiling-job.service.js';
import type { Connection, Edge } from '../database/pagination.js';

export type {
  ApiToken as ApiTokenParent,
  AuditEvent as AuditEventParent,
  DeviceProfile as DeviceProfileParent,
  Invitation as InvitationParent,
  Membership as MembershipParent,
  Organization as OrganizationParent,
  Project as ProjectParent,
  User as UserParent,
};
export type OrganizationConnectionParent = Connection<Organization>;
export type OrganizationEdgeParent = Edge<Organization>;
export type MembershipConnectionParent = Connection<Membership>;
export type MembershipEdgeParent = Edge<Membership>;
export type InvitationConnectionParent = Connection<Invitation>;
export type InvitationEdgeParent = Edge<Invitation>;
export type ApiTokenConnectionParent = Connection<ApiToken>;
export type ApiTokenEdgeParent = Edge<ApiToken>;
export type ProjectConnectionParent = Connection<Project>;
export type ProjectEdgeParent = Edge<Project>;
export type DeviceProfileConnectionParent = Connection<DeviceProfile>;
export type DeviceProfileEdgeParent = Edge<DeviceProfile>;
export type AuditEventConnectionParent = Connection<AuditEvent>;
export type AuditEventEdgeParent = Edge<AuditEvent>;
export interface AuditActorParent {
  readonly userId: string | null;
  readonly tokenId: string | null;
  readonly organizationId: string | null;
}
export type { Role as RoleParent } from '../modules/memberships/role.js';
export type { Scope as ApiTokenScopeParent } from '../modules/api-tokens/scope.js';
export type { Visibility as VisibilityParent } from '../modules/device-profiles/device-profile.entity.js';
export type { ModelSpec as ModelSpecParent, CostTableRow as CostTableParent };
export type ModelSpecConnectionParent = Connection<ModelSpec>;
export type ModelSpecEdgeParent = Edge<ModelSpec>;
export type CostTableConnectionParent = Connection<CostTableRow>;
export type CostTableEdgeParent = Edge<CostTableRow>;
export type ModelSpecKindParent = ModelSpec['kind'];
export type ModelUploadFormatParent = 'yaml' | 'onnx';
export type MetricParent = CostTableRow['metric'];
export type CostTableFormatParent = 'csv' | 'json';
export type { CostTableVisibility as CostTableVisibilityParent } from '../modules/cost-tables/cost-table.entity.js';
export type { CostTableCheck as CostTableCheckParent } from '../modules/cost-tables/cost-table.service.js';
export type { CostCell as CostCellParent, CostTableProvenance as CostTableProvenanceParent, ProvenanceSource as ProvenanceSourceParent } from '@actnas/core';
export type { SearchRequestRow as SearchRequestParent, ProposalSetRow as ProposalSetParent };
export type SearchRequestConnectionParent = Connection<SearchRequestRow>;
export type SearchRequestEdgeParent = Edge<SearchRequestRow>;
export type ProposalSetConnectionParent = Connection<ProposalSetRow>;
export type ProposalSetEdgeParent = Edge<ProposalSetRow>;
export type SearchStrategyParent = StrategyName;
export type SearchRequestStatusParent = SearchRequestRow['status'];
export interface ProposalParent {
  readonly proposal: Proposal;
  readonly sites: readonly string[];
  /** The reference activation per site (from the all-reference baseline), to list changes. */
  readonly reference: readonly string[] | undefined;
  /** The set it belongs to (its measurements are found by set and rank). */
  readonly set: { readonly id: string; readonly organizationId: string };
}
export type { MetricTotal as MetricTotalParent } from '@actnas/core';
/** A table metric of core, or a PEAK_MEMORY budget's (which bounds live-set rows, not cells). */
export type MetricRefParent = MetricRef | { readonly metric: 'peak_memory'; readonly device?: string };
export type { MetricDelta as MetricDeltaParent } from '../modules/proposal-sets/proposal-set.diff.js';
export type ProposalSetDiffParent = ProposalSetDiff & { readonly from: number; readonly to: number };
export type { ProfilingJob as ProfilingJobParent, Lease as ProfilingJobLeaseParent };
export type ProfilingJobConnectionParent = Connection<ProfilingJob>;
export type ProfilingJobEdgeParent = Edge<ProfilingJob>;
export type ProfilingJobStatusParent = ProfilingJob['status'];
export type { ExportFormat as ExportFormatParent } from '../modules/proposal-sets/proposal-export.js';
export type { VerificationJob as VerificationJobParent } from '../modules/verification-jobs/verification-job.entity.js';
export type { VerificationLease as VerificationJobLeaseParent } from '../modules/verification-jobs/verification-job.service.js';
export type { ProposalMeasurement as ProposalMeasurementParent } from '../modules/verification-jobs/proposal-measurement.entity.js';
export type VerificationJobConnectionParent = Connection<VerificationJob>;
export type VerificationJobEdgeParent = Edge<VerificationJob>;
export type VerificationJobStatusParent = VerificationJob['status'];
/** A verifying search's loop, read from its request row. */
export interface SearchVerificationParent {
  readonly request: SearchRequestRow;
  readonly verify: NonNullable<SearchRequestRow['spec']['verify']>;
  readonly state: VerificationState;
}
export interface SearchVerificationRoundParent {
  readonly request: SearchRequestRow;
  readonly round: VerificationRound;
}
export type VerificationStopParent = VerificationStop;

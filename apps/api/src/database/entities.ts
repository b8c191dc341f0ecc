import { ApiTokenEntity } from '../modules/api-tokens/api-token.entity.js';
import { CostTableEntity } from '../modules/cost-tables/cost-table.entity.js';
import { ProposalSetEntity } from '../modules/proposal-sets/proposal-set.entity.js';
import { SearchRequestEntity } from '../modules/searches/search-request.entity.js';
import { ProfilingJobEntity } from '../modules/profiling-jobs/profiling-job.entity.js';
import { ProposalMeasurementEntity } from '../modules/verification-jobs/proposal-measurement.entity.js';
import { VerificationJobEntity } from '../modules/verification-jobs/verification-job.entity.js';
import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { DeviceProfileShareEntity } from '../modules/device-profiles/device-profile-share.entity.js';
import { DeviceProfileEntity } from '../modules/device-profiles/device-profile.entity.js';
import { InvitationEntity } from '../modules/invitations/invitation.entity.js';
import { ModelBlobEntity } from '../modules/model-specs/model-blob.entity.js';
import { ModelSpecEntity } from '../modules/model-specs/model-spec.entity.js';
import { MembershipEntity } from '../modules/memberships/membership.entity.js';
import { OrganizationEntity } from '../modules/organizations/organization.entity.js';
import { ProjectEntity } from '../modules/projects/project.entity.js';
import { SessionEntity } from '../modules/sessions/session.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';

/** Every mapped table; a new module adds its entities here and a migration in /migrations. */
export const entities = [
  OrganizationEntity,
  UserEntity,
  SessionEntity,
  MembershipEntity,
  InvitationEntity,
  ApiTokenEntity,
  ProjectEntity,
  DeviceProfileEntity,
  DeviceProfileShareEntity,
  AuditEventEntity,
  ModelBlobEntity,
  ModelSpecEntity,
  CostTableEntity,
  SearchRequestEntity,
  ProposalSetEntity,
  ProfilingJobEntity,
  VerificationJobEntity,
  ProposalMeasurementEntity,
] as const;

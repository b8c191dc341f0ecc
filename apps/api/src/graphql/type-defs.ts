import { apiTokenTypeDefs } from '../modules/api-tokens/api-token.graphql.js';
import { costTableTypeDefs } from '../modules/cost-tables/cost-table.graphql.js';
import { modelSpecTypeDefs } from '../modules/model-specs/model-spec.graphql.js';
import { proposalSetTypeDefs } from '../modules/proposal-sets/proposal-set.graphql.js';
import { searchRequestTypeDefs } from '../modules/searches/search-request.graphql.js';
import { profilingJobTypeDefs } from '../modules/profiling-jobs/profiling-job.graphql.js';
import { verificationJobTypeDefs } from '../modules/verification-jobs/verification-job.graphql.js';
import { auditEventTypeDefs } from '../modules/audit/audit-event.graphql.js';
import { deviceProfileTypeDefs } from '../modules/device-profiles/device-profile.graphql.js';
import { invitationTypeDefs } from '../modules/invitations/invitation.graphql.js';
import { membershipTypeDefs } from '../modules/memberships/membership.graphql.js';
import { organizationTypeDefs } from '../modules/organizations/organization.graphql.js';
import { projectTypeDefs } from '../modules/projects/project.graphql.js';
import { sessionTypeDefs } from '../modules/sessions/session.graphql.js';
import { userTypeDefs } from '../modules/users/user.graphql.js';
import { commonTypeDefs } from './common.graphql.js';

/** The SDL of every module; the printed schema (schema.graphql) is made from these. */
export const typeDefs: readonly string[] = [
  commonTypeDefs,
  userTypeDefs,
  sessionTypeDefs,
  organizationTypeDefs,
  membershipTypeDefs,
  invitationTypeDefs,
  apiTokenTypeDefs,
  projectTypeDefs,
  deviceProfileTypeDefs,
  auditEventTypeDefs,
  modelSpecTypeDefs,
  costTableTypeDefs,
  searchRequestTypeDefs,
  proposalSetTypeDefs,
  profilingJobTypeDefs,
  verificationJobTypeDefs,
];

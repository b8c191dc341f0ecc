import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql/index.js';
import { apiTokenResolvers } from '../modules/api-tokens/api-token.resolver.js';
import { costTableResolvers } from '../modules/cost-tables/cost-table.resolver.js';
import { modelSpecResolvers } from '../modules/model-specs/model-spec.resolver.js';
import { proposalSetResolvers } from '../modules/proposal-sets/proposal-set.resolver.js';
import { searchRequestResolvers } from '../modules/searches/search-request.resolver.js';
import { profilingJobResolvers } from '../modules/profiling-jobs/profiling-job.resolver.js';
import { verificationJobResolvers } from '../modules/verification-jobs/verification-job.resolver.js';
import { auditEventResolvers } from '../modules/audit/audit-event.resolver.js';
import { deviceProfileResolvers } from '../modules/device-profiles/device-profile.resolver.js';
import { invitationResolvers } from '../modules/invitations/invitation.resolver.js';
import { membershipResolvers } from '../modules/memberships/membership.resolver.js';
import { organizationResolvers } from '../modules/organizations/organization.resolver.js';
import { projectResolvers } from '../modules/projects/project.resolver.js';
import { sessionResolvers } from '../modules/sessions/session.resolver.js';
import { userResolvers } from '../modules/users/user.resolver.js';
import type { Resolvers } from './generated/resolvers.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';
import { typeDefs } from './type-defs.js';

// GraphQL enum values are upper case; the database and services use the lower-case words.
const enumResolvers: Resolvers = {
  Role: { VIEWER: 'viewer', MEMBER: 'member', ADMIN: 'admin', OWNER: 'owner' },
  ApiTokenScope: { READ: 'read', SEARCH_WRITE: 'search:write', DEVICES_WRITE: 'devices:write', AGENT: 'agent' },
  Visibility: { PRIVATE: 'private', SHARED: 'shared', PUBLIC: 'public' },
  ModelSpecKind: { BUILTIN: 'builtin', YAML: 'yaml', ONNX: 'onnx' },
  ModelUploadFormat: { YAML: 'yaml', ONNX: 'onnx' },
  Metric: { LATENCY: 'latency', MEMORY: 'memory', ACCURACY: 'accuracy', PEAK_MEMORY: 'peak_memory' },
  CostTableFormat: { CSV: 'csv', JSON: 'json' },
  CostTableVisibility: { INHERIT: 'inherit', PRIVATE: 'private' },
  SearchStrategy: { ILP: 'ilp', EXACT: 'exact', RANDOM: 'random', LZCM: 'lzcm', NAIVE: 'naive', PARETO: 'pareto' },
  ObjectiveSense: { MIN: 'min', MAX: 'max', WEIGHTED: 'weighted' },
  BudgetBound: { MAX: 'max', MIN: 'min' },
  BudgetOf: { TOTAL: 'total', DELTA: 'delta' },
  SearchRequestStatus: { QUEUED: 'queued', RUNNING: 'running', VERIFYING: 'verifying', SUCCEEDED: 'succeeded', FAILED: 'failed' },
  VerificationStop: { MET: 'met', ROUNDS: 'rounds', INFEASIBLE: 'infeasible' },
  ProfilingJobStatus: { QUEUED: 'queued', LEASED: 'leased', SUCCEEDED: 'succeeded', FAILED: 'failed' },
  VerificationJobStatus: { QUEUED: 'queued', RUNNING: 'running', SUCCEEDED: 'succeeded', FAILED: 'failed' },
  ExportFormat: { JSON: 'json', ULTRALYTICS_YAML: 'ultralytics_yaml', ONNX: 'onnx' },
  ExportWeights: { SEEDED: 'seeded', UPLOADED: 'uploaded', NONE: 'none' },
  ProvenanceSource: { MEASURED: 'measured', IMPORTED: 'imported', ESTIMATED: 'estimated', SYNTHETIC: 'synthetic' },
};

const moduleResolvers: readonly Resolvers[] = [
  { DateTime: DateTimeScalar, JSON: JSONScalar },
  enumResolvers,
  userResolvers,
  sessionResolvers,
  organizationResolvers,
  membershipResolvers,
  invitationResolvers,
  apiTokenResolvers,
  projectResolvers,
  deviceProfileResolvers,
  auditEventResolvers,
  modelSpecResolvers,
  costTableResolvers,
  searchRequestResolvers,
  proposalSetResolvers,
  profilingJobResolvers,
  verificationJobResolvers,
];

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: [...typeDefs],
    resolvers: [...moduleResolvers] as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}

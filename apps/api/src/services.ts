import type { DataSource } from 'typeorm';
import type { ApiConfig } from './config.js';
import { PasswordHasher } from './auth/passwords.js';
import { SignInThrottle } from './auth/sign-in-throttle.js';
import type { JobQueue } from './jobs/job-queue.js';
import { ProfilingJobService } from './modules/profiling-jobs/profiling-job.service.js';
import { VerificationJobService } from './modules/verification-jobs/verification-job.service.js';
import { ProposalSetService } from './modules/proposal-sets/proposal-set.service.js';
import { SearchRequestService } from './modules/searches/search-request.service.js';
import { ApiTokenService } from './modules/api-tokens/api-token.service.js';
import { CostTableService } from './modules/cost-tables/cost-table.service.js';
import { AuditService } from './modules/audit/audit.service.js';
import { DeviceProfileService } from './modules/device-profiles/device-profile.service.js';
import { InvitationService } from './modules/invitations/invitation.service.js';
import { ModelSpecService } from './modules/model-specs/model-spec.service.js';
import { MembershipService } from './modules/memberships/membership.service.js';
import { OrganizationService } from './modules/organizations/organization.service.js';
import { ProjectService } from './modules/projects/project.service.js';
import { SessionService } from './modules/sessions/session.service.js';
import { UserService } from './modules/users/user.service.js';

/** One instance of each service per server; they hold no per-request state. */
export interface Services {
  readonly audit: AuditService;
  readonly sessions: SessionService;
  readonly users: UserService;
  readonly organizations: OrganizationService;
  readonly memberships: MembershipService;
  readonly invitations: InvitationService;
  readonly apiTokens: ApiTokenService;
  readonly projects: ProjectService;
  readonly deviceProfiles: DeviceProfileService;
  readonly modelSpecs: ModelSpecService;
  readonly costTables: CostTableService;
  readonly searchRequests: SearchRequestService;
  readonly proposalSets: ProposalSetService;
  readonly profilingJobs: ProfilingJobService;
  readonly verificationJobs: VerificationJobService;
}

export function createServices(
  dataSource: DataSource,
  config: Pick<ApiConfig, 'sessionTtlHours' | 'modelMaxBytes' | 'passwordScryptLogN'>,
  jobs: JobQueue,
): Services {
  const audit = new AuditService(dataSource);
  const passwords = new PasswordHasher(config.passwordScryptLogN);
  const sessions = new SessionService(dataSource, audit, config.sessionTtlHours, passwords, new SignInThrottle());
  const deviceProfiles = new DeviceProfileService(dataSource, audit);
  const modelSpecs = new ModelSpecService(dataSource, audit, config.modelMaxBytes);
  const projects = new ProjectService(dataSource, audit);
  const costTables = new CostTableService(dataSource, audit, deviceProfiles, modelSpecs);
  return {
    audit,
    sessions,
    users: new UserService(dataSource, sessions, audit, passwords),
    organizations: new OrganizationService(dataSource, audit),
    memberships: new MembershipService(dataSource, audit),
    invitations: new InvitationService(dataSource, audit),
    apiTokens: new ApiTokenService(dataSource, audit),
    projects,
    deviceProfiles,
    modelSpecs,
    costTables,
    searchRequests: new SearchRequestService(dataSource, audit, projects, modelSpecs, costTables, jobs, deviceProfiles),
    proposalSets: new ProposalSetService(dataSource),
    profilingJobs: new ProfilingJobService(dataSource, audit, deviceProfiles, modelSpecs, costTables),
    verificationJobs: new VerificationJobService(dataSource, audit, deviceProfiles, costTables),
  };
}

import type { MigrationInterface } from 'typeorm';
import { Initial1795577940419 } from './1795577940419-Initial.js';
import { ModelSpecsAndCostTables1795578720423 } from './1795578720423-ModelSpecsAndCostTables.js';
import { SearchRequestsAndProposalSets1795579252864 } from './1795579252864-SearchRequestsAndProposalSets.js';
import { ProfilingJobs1795579875015 } from './1795579875015-ProfilingJobs.js';
import { CostTableVisibility1795582296024 } from './1795582296024-CostTableVisibility.js';
import { ProfilingJobAgent1795583620559 } from './1795583620559-ProfilingJobAgent.js';
import { ChangeNotifications1795590000000 } from './1795590000000-ChangeNotifications.js';
import { PartialCostTables1796283347142 } from './1796283347142-PartialCostTables.js';
import { SearchComparisons1796283390719 } from './1796283390719-SearchComparisons.js';
import { SearchLeases1796284015300 } from './1796284015300-SearchLeases.js';
import { CostTableLiveSet1796286179745 } from './1796286179745-CostTableLiveSet.js';
import { VerificationJobs1796304255638 } from './1796304255638-VerificationJobs.js';
import { SearchVerifyLoop1796316433629 } from './1796316433629-SearchVerifyLoop.js';
import { VerificationJobsByProposalSet1796402946308 } from './1796402946308-VerificationJobsByProposalSet.js';

type MigrationClass = new () => MigrationInterface;

/** Every migration, oldest first. The API runs the pending ones at start-up. */
export const migrations: readonly MigrationClass[] = [
  Initial1795577940419,
  ModelSpecsAndCostTables1795578720423,
  SearchRequestsAndProposalSets1795579252864,
  ProfilingJobs1795579875015,
  CostTableVisibility1795582296024,
  ProfilingJobAgent1795583620559,
  ChangeNotifications1795590000000,
  PartialCostTables1796283347142,
  SearchComparisons1796283390719,
  SearchLeases1796284015300,
  CostTableLiveSet1796286179745,
  VerificationJobs1796304255638,
  SearchVerifyLoop1796316433629,
  VerificationJobsByProposalSet1796402946308,
];

export { CHANGE_CHANNEL } from './1795590000000-ChangeNotifications.js';

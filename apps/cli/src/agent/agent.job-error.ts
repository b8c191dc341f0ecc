/** A job this agent cannot do (not a transient failure): reported with failProfilingJob. */
export class AgentJobError extends Error {
  override readonly name = 'AgentJobError';
}

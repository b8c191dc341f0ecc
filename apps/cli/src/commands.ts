import { agentCommand } from './agent/agent.command.js';
import type { CommandModule } from './shared/command-module.js';
import { modelCommand } from './model/model.command.js';
import { profileCommand } from './profile/profile.command.js';
import { searchCommand } from './search/search.command.js';

/** The CLI's subcommands, in help order. Each feature adds its module here. */
export const commandModules: readonly CommandModule[] = [modelCommand, searchCommand, profileCommand, agentCommand];

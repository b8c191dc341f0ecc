import { agentCommand } from './agent.command.js';
import type { CommandModule } from './command-module.js';
import { modelCommand } from './model.command.js';
import { profileCommand } from './profile.command.js';
import { searchCommand } from './search.command.js';

/** The CLI's subcommands, in help order. Each feature adds its module here. */
export const commandModules: readonly CommandModule[] = [modelCommand, searchCommand, profileCommand, agentCommand];

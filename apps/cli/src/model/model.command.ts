import type { Command } from 'commander';
import type { CliIo } from '../shared/cli-io.js';
import type { CommandModule } from '../shared/command-module.js';
import { modelExportCommand } from './model-export.command.js';
import { modelInfoCommand } from './model-info.command.js';
import { modelSitesCommand } from './model-sites.command.js';
import { modelUploadCommand } from './model-upload.command.js';

/** A `model` subcommand: adds itself to the `model` group. */
export type ModelSubcommand = (model: Command, io: CliIo, setExitCode: (code: number) => void) => void;

/** The `model` subcommands, in help order (info, export, … add themselves here). */
export const modelSubcommands: readonly ModelSubcommand[] = [modelInfoCommand, modelExportCommand, modelSitesCommand, modelUploadCommand];

/** `actnas model …`: model specs and ONNX files. */
export const modelCommand: CommandModule = (program, io, setExitCode) => {
  const model = program.command('model').description('YOLO model specs and ONNX files: info, export, sites, upload');
  for (const sub of modelSubcommands) sub(model, io, setExitCode);
};

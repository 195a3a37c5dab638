#!/usr/bin/env node
import { Command } from 'commander'
import { registerAnnotate } from './cli/annotate'
import { registerEval } from './cli/evaluate'
import { registerExport } from './cli/export'
import { registerImport } from './cli/import'
import { registerModels } from './cli/models'

/**
 * `facemark`: the main job without a window. Every command opens the same SQLite label store the
 * desktop app uses, so work done here shows up there and the other way round.
 */
const program = new Command()
  .name('facemark')
  .description('Pre-annotate, export and evaluate face datasets (boxes + five landmarks).')
  .showHelpAfterError()

registerAnnotate(program)
registerImport(program)
registerExport(program)
registerEval(program)
registerModels(program)

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`facemark: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})

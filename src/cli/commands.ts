import type { Command } from 'commander'
import { registerCgf } from './cgf.js'

/** Every subcommand, one register function per file in this folder. */
export function registerCommands(program: Command): void {
  void program
  registerCgf(program)
}

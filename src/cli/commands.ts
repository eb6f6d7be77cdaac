import type { Command } from 'commander'

/** Every subcommand, one register function per file in this folder. */
export function registerCommands(program: Command): void {
  void program
}

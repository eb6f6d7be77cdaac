import { Command, CommanderError } from 'commander'
import { LightningError } from '../core/errors.js'
import { ExpressionError } from '../query/expr/error.js'
import { registerCommands } from './commands.js'

/** Run the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('lightning-tiles')
    .description('Store and query population genomes as Lightning (l7g) tiles')
    .exitOverride()
    .showHelpAfterError()
  registerCommands(program)
  try {
    await program.parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    if (err instanceof LightningError || (err instanceof Error && err.name === 'AbortError')) {
      process.stderr.write(`lightning-tiles: ${err.message}\n`)
      if (err instanceof ExpressionError)
        process.stderr.write(`${err.caret('lightning-tiles: ')}\n`)
      return 1
    }
    throw err
  }
}

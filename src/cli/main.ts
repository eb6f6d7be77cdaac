import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { LightningError } from '../core/errors.js'
import { ExpressionError } from '../query/expr/error.js'
import { fileError } from '../core/nodeFile.js'
import '../core/nodeInflate.js'
import { registerCommands } from './commands.js'
import { parseTimeout } from './io.js'

/** The package's version, from the package.json above this file (src/, dist/ or an install). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ;) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'lightning-tiles' && pkg.version) return pkg.version
    }
    const up = dirname(dir)
    if (up === dir) return 'unknown'
    dir = up
  }
}

const oneLine = (s: string) => s.trim().replace(/\s*\n\s*/g, ' ')

/** What went wrong, in one line: our errors as they are, Node's file errors in words. */
function describe(err: unknown): string {
  if (err instanceof LightningError) return oneLine(err.message)
  const e = err as NodeJS.ErrnoException
  if (typeof e.code === 'string' && e.syscall !== undefined)
    return oneLine(fileError(err, e.path ?? `${e.syscall}`).message)
  return oneLine(err instanceof Error ? err.message : String(err))
}

/** Did the reader of stdout go away (`| head`)? */
const isEpipe = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EPIPE'

/** Every command, nested ones included. */
function* allCommands(c: Command): Generator<Command> {
  yield c
  for (const sub of c.commands) yield* allCommands(sub)
}

function fullName(c: Command): string {
  return c.parent ? `${fullName(c.parent)} ${c.name()}` : c.name()
}

/**
 * Run the CLI with `argv` (as process.argv); resolves to the exit code. Every failure is one line
 * on stderr and a non-zero code; a closed stdout (`| head`) ends the command quietly with 0.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('lightning-tiles')
    .description('Store and query population genomes as Lightning (l7g) tiles')
    .version(packageVersion(), '-V, --version', 'print the version')
    .addOption(
      new Option('--timeout <SECONDS>', 'give up an HTTP request after this long')
        .default('30')
        .argParser(parseTimeout),
    )
    .exitOverride()
  await registerCommands(program, argv)
  // usage errors: commander's one-line message, with where to find the usage
  for (const c of allCommands(program))
    c.configureOutput({
      outputError: (str, writeErr) =>
        writeErr(
          `lightning-tiles: ${oneLine(str.replace(/^error: /, ''))} (see ${fullName(c)} --help)\n`,
        ),
    })
  try {
    await program.parseAsync(argv)
    return 0
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode
    if (isEpipe(err)) return 0
    process.stderr.write(`lightning-tiles: ${describe(err)}\n`)
    if (err instanceof ExpressionError) process.stderr.write(`${err.caret('lightning-tiles: ')}\n`)
    return 1
  }
}

// The CLI registers only the files of the command it runs (start-up time); these tests hold its
// table of command names to the truth: every command is in it, and a command registered alone
// (`lightning-tiles NAME …`) has the same options, subcommands and help as with every command.
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { COMMAND_NAMES, leadingCommand, registerCommands } from '../src/cli/commands.js'

async function program(...args: string[]): Promise<Command> {
  const p = new Command('lightning-tiles')
  await registerCommands(p, ['node', 'lightning-tiles', ...args])
  return p
}

/** A command's help and that of every subcommand below it, by full name. */
function helpTree(c: Command, prefix = ''): Record<string, string> {
  const name = `${prefix}${c.name()}`
  const tree: Record<string, string> = { [name]: c.helpInformation() }
  for (const sub of c.commands) Object.assign(tree, helpTree(sub, `${name} `))
  return tree
}

describe('lazy command registration', () => {
  it('knows every command that the whole CLI registers, and no other', async () => {
    const all = await program('--help')
    expect([...COMMAND_NAMES].sort()).toEqual(all.commands.map((c) => c.name()).sort())
  })

  it('registers a named command exactly as the whole CLI does', async () => {
    const all = await program()
    for (const name of COMMAND_NAMES) {
      const alone = await program(name, '--help')
      const want = all.commands.find((c) => c.name() === name)!
      const got = alone.commands.find((c) => c.name() === name)
      expect(got, name).toBeDefined()
      expect(helpTree(got!)).toEqual(helpTree(want))
    }
  })

  it('finds the command after the program’s --timeout, and none after help or other options', () => {
    expect(leadingCommand(['view', 'STORE'])).toBe('view')
    expect(leadingCommand(['--timeout', '5', 'vcf', 'STORE'])).toBe('vcf')
    expect(leadingCommand(['--timeout=5', 'carriers'])).toBe('carriers')
    expect(leadingCommand(['--timeout', 'view'])).toBeUndefined()
    expect(leadingCommand(['-h', 'view'])).toBeUndefined()
    expect(leadingCommand(['help', 'view'])).toBeUndefined()
    expect(leadingCommand(['viw'])).toBeUndefined()
    expect(leadingCommand([])).toBeUndefined()
  })
})

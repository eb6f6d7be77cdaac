import type { Command } from 'commander'

type Register = (program: Command) => void

/**
 * Every subcommand: the file that registers it (one register function per file in this folder)
 * and the top-level command names it adds, in the order `--help` lists them. Loading a register
 * file loads what it imports, so a query loads only its own command's file (see registerCommands).
 */
const COMMANDS: readonly { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['build'], load: async () => (await import('./build.js')).registerBuild },
  { names: ['merge'], load: async () => (await import('./build.js')).registerMerge },
  { names: ['add', 'compact', 'index'], load: async () => (await import('./add.js')).registerAdd },
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemo },
  { names: ['cgf'], load: async () => (await import('./cgf.js')).registerCgf },
  {
    names: ['concordance'],
    load: async () => (await import('./concordance.js')).registerConcordance,
  },
  { names: ['vcf'], load: async () => (await import('./vcf.js')).registerVcf },
  { names: ['fasta'], load: async () => (await import('./fasta.js')).registerFasta },
  {
    names: ['tile', 'locate', 'tiles', 'carriers'],
    load: async () => (await import('./resolver.js')).registerResolver,
  },
  { names: ['samples'], load: async () => (await import('./samples.js')).registerSamples },
  { names: ['stats'], load: async () => (await import('./stats.js')).registerStats },
  { names: ['verify'], load: async () => (await import('./verify.js')).registerVerify },
  { names: ['csq'], load: async () => (await import('./csq.js')).registerCsq },
  {
    // adds its verbs to the `cgf` of ./cgf.ts, so `cgf` needs both files
    names: [
      'fastj',
      'sglf',
      'cgf',
      'assembly',
      'library',
      'twobit',
      'tagset',
      'import-l7g',
      'export-l7g',
    ],
    load: async () => (await import('./l7g/index.js')).registerL7gTools,
  },
  { names: ['view'], load: async () => (await import('./view.js')).registerView },
  { names: ['annotate'], load: async () => (await import('./annotate.js')).registerAnnotate },
  { names: ['freq'], load: async () => (await import('./freq.js')).registerFreq },
  { names: ['ld'], load: async () => (await import('./ld.js')).registerLd },
  {
    names: ['panel', 'conform', 'impute-join', 'impute'],
    load: async () => (await import('./impute.js')).registerImpute,
  },
  { names: ['serve'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['export'], load: async () => (await import('./export.js')).registerExport },
]

/** Every top-level command name registerCommands knows (for the test that keeps the table true). */
export const COMMAND_NAMES: readonly string[] = [...new Set(COMMANDS.flatMap((c) => c.names))]

/**
 * The subcommand `args` (the arguments after node and the script) start with, after the program's
 * own `--timeout`; undefined when they start with anything else (`--help`, `-V`, `help`, nothing).
 */
export function leadingCommand(args: readonly string[]): string | undefined {
  let i = 0
  for (; ; i++) {
    if (args[i] === '--timeout') i++
    else if (!args[i]?.startsWith('--timeout=')) break
  }
  const name = args[i]
  return name !== undefined && COMMAND_NAMES.includes(name) ? name : undefined
}

/**
 * Register the subcommands on `program`: only the files of the command `argv` names when it
 * names one (module loading is a large share of a small query's time), else every command (for
 * help and commander's messages about unknown commands).
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const name = leadingCommand(argv.slice(2))
  const files = name === undefined ? COMMANDS : COMMANDS.filter((c) => c.names.includes(name))
  const registers = await Promise.all(files.map((c) => c.load()))
  for (const register of registers) register(program)
}

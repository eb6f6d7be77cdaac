import type { Command } from 'commander'
import { registerAdd } from './add.js'
import { registerAnnotate } from './annotate.js'
import { registerBuild, registerMerge } from './build.js'
import { registerCgf } from './cgf.js'
import { registerCsq } from './csq.js'
import { registerConcordance } from './concordance.js'
import { registerDemo } from './demo.js'
import { registerFasta } from './fasta.js'
import { registerL7gTools } from './l7g/index.js'
import { registerVcf } from './vcf.js'
import { registerResolver } from './resolver.js'
import { registerSamples } from './samples.js'
import { registerStats } from './stats.js'
import { registerVerify } from './verify.js'
import { registerView } from './view.js'
import { registerFreq } from './freq.js'
import { registerLd } from './ld.js'
import { registerImpute } from './impute.js'
import { registerServe } from './serve.js'
import { registerExport } from './export.js'

/** Every subcommand, one register function per file in this folder. */
export function registerCommands(program: Command): void {
  registerBuild(program)
  registerMerge(program)
  registerAdd(program)
  registerDemo(program)
  registerCgf(program)
  registerConcordance(program)
  registerVcf(program)
  registerFasta(program)
  registerResolver(program)
  registerSamples(program)
  registerStats(program)
  registerVerify(program)
  registerCsq(program)
  registerL7gTools(program)
  registerView(program)
  registerAnnotate(program)
  registerFreq(program)
  registerLd(program)
  registerImpute(program)
  registerServe(program)
  registerExport(program)
}

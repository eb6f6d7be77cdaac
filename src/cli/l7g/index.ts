// The l7g toolbox: the upstream tools' verbs (fjt, fjcsv2sglf, sglf-check, glft, merge-sglf, cgft,
// tile-assembly, twoBitToFa/faToTwoBit, tagset tools) and l7g datasets ⇄ stores.
import type { Command } from 'commander'
import { registerAssembly } from './assembly.js'
import { registerCgfTools } from './cgf.js'
import { registerDataset } from './dataset.js'
import { registerFastj } from './fastj.js'
import { registerLibrary } from './library.js'
import { registerSglf } from './sglf.js'
import { registerTagset } from './tagset.js'
import { registerTwobit } from './twobit.js'

export function registerL7gTools(program: Command): void {
  registerFastj(program)
  registerSglf(program)
  registerCgfTools(program)
  registerAssembly(program)
  registerLibrary(program)
  registerTwobit(program)
  registerTagset(program)
  registerDataset(program)
}

// lightning-tiles concordance: genotype agreement of two genomes over the steps both have called.
import type { Command } from 'commander'
import { STEP_CLASSES, storeConcordance } from '../store/concordance.js'
import { cliStore, write } from './io.js'

const pct = (k: number, n: number) => (n ? `${((100 * k) / n).toFixed(2)}%` : '-')

export function registerConcordance(program: Command): void {
  program
    .command('concordance <store> <a> <b>')
    .description(
      'genotype agreement of samples A and B over the steps called in both (no no-call in either)',
    )
    .option('--json', 'print the numbers as JSON')
    .action(async (store: string, a: string, b: string, o: { json?: boolean }, cmd: Command) => {
      const r = await storeConcordance(await cliStore(store, cmd), a, b)
      if (o.json) return write(JSON.stringify(r) + '\n')
      const lines = [
        `${a} vs ${b}: ${r.compared} of ${r.steps} steps called in both ` +
          `(${r.steps - r.compared} with a no-call in either left out)`,
        `genotype agreement: ${r.agree}/${r.compared} (${pct(r.agree, r.compared)})`,
        `class\tcompared\tagree\t(by the genotype of ${a} against the reference tile)`,
        ...STEP_CLASSES.map((c) => {
          const x = r.byClass[c]
          return `${c}\t${x.compared}\t${x.agree}\t${pct(x.agree, x.compared)}`
        }),
        `CGF concordance (cgft: high-quality steps, alleles in order): ` +
          `${r.cgf.match}/${r.cgf.hiq} (${pct(r.cgf.match, r.cgf.hiq)})`,
      ]
      await write(lines.join('\n') + '\n')
    })
}

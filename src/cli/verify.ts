// lightning-tiles verify STORE: check every file of a store against the others; print each
// problem (file, offset or line, what was expected) and exit non-zero on any.
import type { Command } from 'commander'
import { ArgumentError, ValidationError } from '../core/errors.js'
import { cliStore, write } from './io.js'

const int = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, one: string, many = `${one}s`) => `${int(n)} ${n === 1 ? one : many}`

interface VerifyCliOptions {
  maxProblems?: string
}

export function registerVerify(program: Command): void {
  program
    .command('verify <store>')
    .description(
      'check a store: library tile md5s against the SGLF and counts, every CGF, manifest, assembly, tagset',
    )
    .option('--max-problems <N>', 'problems listed per file; the rest are counted (default 20)')
    .action(async (store: string, o: VerifyCliOptions, cmd: Command) => {
      const max = o.maxProblems === undefined ? 20 : Number(o.maxProblems)
      if (!Number.isInteger(max) || max < 1)
        throw new ArgumentError(`--max-problems must be a positive integer, got '${o.maxProblems}'`)
      const opened = await cliStore(store, cmd)
      const [{ formatProblem, verifyStore }, { progressBar }] = await Promise.all([
        import('../inspect/verify.js'),
        import('./progress.js'),
      ])
      const bar = progressBar()
      let result
      try {
        result = await verifyStore(opened, {
          onProgress: bar.onProgress,
          maxProblemsPerFile: max,
        })
      } finally {
        bar.stop()
      }
      const { problems, suppressed, checked: c } = result
      if (problems.length === 0) {
        await write(
          `OK ${store}: ${plural(c.paths, 'path')}, ${plural(c.steps, 'tile step')}, ` +
            `${plural(c.tiles, 'tile variant')} (md5 checked), ${plural(c.samples, 'genome')} decoded, ` +
            `${plural(c.files, 'file')}` +
            (c.hashed
              ? `, ${plural(c.hashed, 'file hash', 'file hashes')} (size, md5)\n`
              : '; manifest.json records no file hashes (a store built before them): contents checked by format only\n'),
        )
        return
      }
      await write(problems.map((p) => formatProblem(p) + '\n').join(''))
      const more = suppressed ? ` (${int(suppressed)} more not listed)` : ''
      throw new ValidationError(
        `${store} is damaged: ${plural(problems.length + suppressed, 'problem')}${more}`,
      )
    })
}

// npm run bench [NAME...]: run every benchmarks/*.bench.ts (or the named ones) and rewrite
// benchmarks/RESULTS.md with the machine, the commands and the medians.
import { readdirSync, writeFileSync } from 'node:fs'
import { machine } from './lib.js'

/** A benchmark module exports `run()`, which returns a markdown section (### title and body). */
export interface BenchmarkModule {
  run(): Promise<string>
}

const dir = new URL('.', import.meta.url)
const wanted = process.argv.slice(2)
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort()

const sections: string[] = []
for (const name of names) {
  process.stderr.write(`benchmark ${name}...\n`)
  const mod = (await import(new URL(`${name}.bench.ts`, dir).href)) as BenchmarkModule
  sections.push(await mod.run())
}

const text = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}. Times are medians of several runs;`,
  'every comparison with bcftools/htslib ran on the same machine in the same run.',
  '',
  machine(),
  '',
  ...sections.map((s) => s.trimEnd() + '\n'),
].join('\n')
writeFileSync(new URL('RESULTS.md', dir), text)
process.stderr.write(`wrote benchmarks/RESULTS.md (${names.join(', ')})\n`)

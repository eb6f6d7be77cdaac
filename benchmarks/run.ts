// npm run bench [NAME...]: run every benchmarks/*.bench.ts (or the named ones) and write their
// sections into benchmarks/RESULTS.md. A section a run did not produce stays as it was (runs at
// 20,000 samples take long, and some sections are measured by hand): a produced section replaces
// the one with its marker (or, for sections written before markers, the same title).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { machine } from './lib.js'

/** A benchmark module exports `run()`, which returns a markdown section (### title and body). */
export interface BenchmarkModule {
  run(): Promise<string>
}

const dir = new URL('.', import.meta.url)
const results = new URL('RESULTS.md', dir)
const wanted = process.argv.slice(2)
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort()

const marker = (name: string) => `<!-- npm run bench ${name} -->`
const title = (section: string) => section.split('\n', 1)[0]!.trim()

const HEADER = [
  '# Benchmarks',
  '',
  'Each section says how it was measured; `npm run bench NAME` rewrites the sections of',
  '`benchmarks/NAME.bench.ts` and leaves the others. Times are medians of several runs; every',
  'comparison with a peer tool ran on the same machine in the same run.',
  '',
].join('\n')

// the file as sections: everything before the first '### ' is the header, rewritten each time
const old = existsSync(results) ? readFileSync(results, 'utf8') : ''
const sections = old.split(/^(?=### )/m).filter((s) => s.startsWith('### '))

for (const name of names) {
  process.stderr.write(`benchmark ${name}...\n`)
  const mod = (await import(new URL(`${name}.bench.ts`, dir).href)) as BenchmarkModule
  const body = (await mod.run()).trimEnd()
  const [head, ...rest] = body.split('\n')
  const stamp = `_Written by \`npm run bench ${name}\` on ${new Date().toISOString().slice(0, 10)}._`
  const section = [head, marker(name), '', stamp, machine(), ...rest].join('\n') + '\n\n'
  const at = sections.findIndex((s) => s.includes(marker(name)) || title(s) === title(section))
  if (at >= 0) sections[at] = section
  else sections.push(section)
  // one blank line between sections, however many a section was read with
  writeFileSync(results, [HEADER, ...sections.map((s) => s.trimEnd() + '\n')].join('\n'))
}
process.stderr.write(`wrote benchmarks/RESULTS.md (${names.join(', ')})\n`)

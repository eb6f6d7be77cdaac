// Tag picking (spec §1.1) on the whole of GRCh37 chr20 (63 Mb): tags, paths, tile lengths, and
// the time and peak memory of one child process per run (median of 3).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { table, timeCommand } from './lib.js'

const RUNS = 3
const FASTA = fileURLToPath(new URL('../../shared/data/grch37-chr20/20.fa.gz', import.meta.url))
const DRIVER = fileURLToPath(new URL('tags.driver.ts', import.meta.url))

interface TagStats {
  seconds: number
  paths: number
  tags: number
  tiles: number
  medianTile: number
  meanTile: number
  maxTile: number
}

export async function run(): Promise<string> {
  const title = '### Tag picking: whole GRCh37 chr20'
  if (!existsSync(FASTA))
    return `${title}\n\nSkipped: ${FASTA} is absent (needs ../shared/data/grch37-chr20/20.fa.gz).\n`
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-tags-'))
  try {
    const out = join(dir, 'stats.json')
    const command = `npx tsx ${DRIVER} ${FASTA} > ${out}`
    const m = timeCommand(command, RUNS)
    const s = JSON.parse(readFileSync(out, 'utf8')) as TagStats
    const fmt = (n: number) => Math.round(n).toLocaleString('en')
    // sum of the contig lengths in the .fai
    const bases = readFileSync(`${FASTA}.fai`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .reduce((a, l) => a + Number(l.split('\t')[1]), 0)
    return [
      title,
      '',
      '`pickTags(openReference(file))` with the defaults (24-mers unique on both strands of the ' +
        'whole reference given, no N, ≥ 200 bases between tags, paths of at most 4 Mb cut into ' +
        'equal parts) on `20.fa.gz` (bgzipped, read through its `.fai`/`.gzi`). Each run is one ' +
        'child process under GNU time, so the peak RSS is that run alone (Node, tsx and the ' +
        'reference included).',
      '',
      '```',
      `/usr/bin/time -f '%e %M' npx tsx benchmarks/tags.driver.ts ../shared/data/grch37-chr20/20.fa.gz`,
      '```',
      '',
      table(
        ['measure', 'value'],
        [
          ['reference', `20.fa.gz, ${fmt(bases)} bases`],
          ['paths', s.paths],
          ['tags', fmt(s.tags)],
          ['tiles (steps)', fmt(s.tiles)],
          ['median tile length (tags included)', `${fmt(s.medianTile)} bp`],
          ['mean tile length', `${s.meanTile.toFixed(1)} bp`],
          ['longest tile (N gap or repeat)', `${fmt(s.maxTile)} bp`],
          [`wall time, median of ${RUNS}`, `${m.seconds.toFixed(2)} s`],
          ['of which in pickTags (last run, in-process clock)', `${s.seconds.toFixed(2)} s`],
          [`peak RSS, median of ${RUNS}`, `${m.peakMiB.toFixed(0)} MiB`],
        ],
      ),
      '',
      'Memory is dominated by the sorted canonical k-mer codes (one float64 per k-mer, ' +
        '~500 MB for chr20) and one byte per base of the reference; see the comment in ' +
        '`src/tiling/tags.ts` for the partitioned method a 3 Gb genome needs.',
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

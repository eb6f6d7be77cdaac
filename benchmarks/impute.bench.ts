// Imputation accuracy and time: 20 testdata samples left out of a store built from the other
// 280 (chr20:1–4 Mb), array-like targets of them (1 site in 30, with injected strand flips, swaps
// and other damage: scripts/array-targets.ts) imputed by `lightning-tiles impute` against the
// store, and the undamaged targets imputed by Beagle directly against the original VCF's 280
// samples, in the same run. Dosage r² by minor-allele frequency (the 280 panel samples') and
// genotype concordance over the sites both imputed; QC counts against the injections; wall times
// (medians). Standalone: npx tsx benchmarks/impute.bench.ts
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { makeArrayTargets } from '../scripts/array-targets.js'
import { table, timeCommand } from './lib.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const VCF = join(ROOT, 'testdata/chr20/1kg-p3.chr20_1M-4M.eur300.phased.vcf.gz')
const REF = join(ROOT, 'testdata/chr20/20.1-4000000.fa.gz')
const CLI = `node ${join(ROOT, 'bin/lightning-tiles.js')}`
const REGION = '20:1000000-4000000'
const RUNS = 3
const BINS: [string, number, number][] = [
  ['< 1 %', 0, 0.01],
  ['1–5 %', 0.01, 0.05],
  ['5–50 %', 0.05, 0.5],
]

const bcftools = (args: string[]) =>
  execFileSync('bcftools', args, { encoding: 'utf8', maxBuffer: 1 << 30 })
const rows = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'))
const dose = (g: string) => (g[0] === '1' ? 1 : 0) + (g[2] === '1' ? 1 : 0)

interface Scores {
  bins: { r2: number; sites: number }[]
  concordance: number
  genotypes: number
}

/** r² of pooled (site, sample) dosages per MAF bin and GT concordance, over the `sites` keys. */
function score(
  imputed: string[][],
  sites: Set<string>,
  truth: Map<string, string[]>,
  maf: Map<string, number>,
): Scores {
  const acc = BINS.map(() => ({ n: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0, sites: 0 }))
  let agree = 0
  let all = 0
  for (const r of imputed) {
    const key = r.slice(0, 3).join(':')
    if (!sites.has(key)) continue
    const t = truth.get(key)!
    const f = maf.get(key)!
    const b = acc[BINS.findIndex(([, lo, hi]) => f > lo && f <= hi)]
    if (b) b.sites++
    for (let i = 0; i < t.length; i++) {
      const x = Number(r[4 + 2 * i])
      const y = dose(t[i]!)
      all++
      if (dose(r[3 + 2 * i]!) === y) agree++
      if (!b) continue
      b.n++
      b.sx += x
      b.sy += y
      b.sxx += x * x
      b.syy += y * y
      b.sxy += x * y
    }
  }
  return {
    bins: acc.map((a) => {
      const cov = a.sxy - (a.sx * a.sy) / a.n
      const vx = a.sxx - (a.sx * a.sx) / a.n
      const vy = a.syy - (a.sy * a.sy) / a.n
      return { r2: vx > 0 && vy > 0 ? (cov * cov) / (vx * vy) : NaN, sites: a.sites }
    }),
    concordance: agree / all,
    genotypes: all,
  }
}

export async function run(): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'lt-impute-bench-'))
  try {
    const all = bcftools(['query', '-l', VCF]).trim().split('\n')
    const targets = all.filter((_, i) => i % 15 === 7)
    const panel = all.filter((_, i) => i % 15 !== 7)
    const store = join(work, 'store')
    execFileSync('bash', [
      '-c',
      `${CLI} build --reference ${REF} --vcf ${VCF} -s ${panel.join(',')} --path-length 1000000 --out ${store} 2>/dev/null`,
    ])
    const target = join(work, 'target.vcf')
    const clean = join(work, 'clean.vcf')
    const made = makeArrayTargets({ vcf: VCF, targets, panel, region: REGION, out: target, clean })

    const load = loadavg()[0]!.toFixed(2)
    const out = join(work, 'out')
    const ours = timeCommand(
      `rm -rf ${out} && ${CLI} impute ${store} --target ${target} -o ${out} --threads 1 2>/dev/null`,
      RUNS,
    )
    // the store side's own overhead: the panel export alone
    const panelFile = join(work, 'panel.vcf.gz')
    const exportOnly = timeCommand(
      `${CLI} panel ${store} -r ${REGION} -o ${panelFile} 2>/dev/null`,
      RUNS,
    )
    const ref = join(work, 'ref.vcf.gz')
    const subset = timeCommand(
      `bcftools view -r ${REGION} -s ${panel.join(',')} -Oz -o ${ref} ${VCF}`,
      RUNS,
    )
    const directOut = join(work, 'direct')
    const direct = timeCommand(
      `beagle gt=${clean} ref=${ref} out=${directOut} seed=1 nthreads=1 >/dev/null`,
      RUNS,
    )
    const loadAfter = loadavg()[0]!.toFixed(2)

    const kept = targets.filter((s) => s !== made.badSample)
    const truth = new Map(
      rows(
        bcftools([
          'query',
          '-r',
          REGION,
          '-s',
          kept.join(','),
          '-f',
          '%POS\t%REF\t%ALT[\t%GT]\n',
          VCF,
        ]),
      ).map((r) => [r.slice(0, 3).join(':'), r.slice(3)]),
    )
    const maf = new Map(
      rows(bcftools(['query', '-f', '%POS\t%REF\t%ALT\t%AC\t%AN\n', ref])).map((r) => {
        const af = Number(r[3]) / Number(r[4])
        return [r.slice(0, 3).join(':'), Math.min(af, 1 - af)]
      }),
    )
    const query = (file: string) =>
      rows(bcftools(['query', '-i', 'INFO/IMP=1', '-f', '%POS\t%REF\t%ALT[\t%GT\t%DS]\n', file]))
    const oursRows = query(join(out, 'imputed.vcf.gz'))
    const directRows = query(`${directOut}.vcf.gz`)
    const inOurs = new Set(oursRows.map((r) => r.slice(0, 3).join(':')))
    // imputed by both, polymorphic in the panel, written by the store as in the input
    const both = new Set(
      directRows
        .map((r) => r.slice(0, 3).join(':'))
        .filter((k) => inOurs.has(k) && truth.has(k) && (maf.get(k) ?? 0) > 0),
    )
    const a = score(oursRows, both, truth, maf)
    const b = score(directRows, both, truth, maf)

    const counts = new Map(
      rows(readFileSync(join(out, 'qc/counts.tsv'), 'utf8'))
        .slice(1)
        .map((r) => [`${r[0]} ${r[1]}`, Number(r[2])]),
    )
    const inj = made.injected
    const qcRows: [string, number | string, number][] = [
      ['kept none', inj.none, counts.get('kept none')!],
      ['kept flipped', inj.flipped, counts.get('kept flipped')!],
      ['kept swapped', inj.swapped, counts.get('kept swapped')!],
      ['kept flipped-swapped', inj['flipped-swapped'], counts.get('kept flipped-swapped')!],
      ['A/T, C/G as given', inj['ambiguous-kept'], counts.get('kept ambiguous-kept')!],
      ['A/T, C/G swapped', inj['ambiguous-swapped'], counts.get('kept ambiguous-swapped')!],
      ['dropped ambiguous-strand', '–', counts.get('dropped ambiguous-strand')!],
      ['dropped allele-mismatch', inj['allele-mismatch'], counts.get('dropped allele-mismatch')!],
      ['dropped multiallelic', inj.multiallelic, counts.get('dropped multiallelic')!],
      ['dropped duplicate (records)', 2 * inj.duplicate, counts.get('dropped duplicate')!],
      ['dropped low-call-rate', inj['low-call-rate'], counts.get('dropped low-call-rate')!],
      ['dropped not-in-panel', inj['not-in-panel'], counts.get('dropped not-in-panel')!],
      ['samples dropped', 1, counts.get('samples-dropped low-call-rate')!],
    ]
    const pct = (v: number) => `${(v * 100).toFixed(2)} %`
    const r2 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–')
    return [
      '### Imputation: 20 left-out samples, chr20:1–4 Mb',
      '',
      `Store of 280 testdata samples (the other 20 left out), targets: the 20 at ${made.sites.length} array-like sites (1 in 30 panel SNPs) with injected damage (scripts/array-targets.ts, seed 7); one sample given 50 % missing calls. \`lightning-tiles impute\` (one 5 Mb chunk, Beagle 5.4, seed 1, 1 thread) against the store vs \`beagle\` directly on the undamaged targets (19 samples, the sites a perfect QC keeps) against the original VCF's 280 samples. Scored over the ${both.size.toLocaleString('en')} sites both imputed (polymorphic in the panel): dosage r² pooled over sites × samples per panel minor-allele frequency, and best-guess genotype concordance. Load average ${load} before, ${loadAfter} after (2 cores shared).`,
      '',
      table(
        ['MAF', 'sites', 'r² store + QC', 'r² Beagle direct'],
        BINS.map(([label], i) => [label, a.bins[i]!.sites, r2(a.bins[i]!.r2), r2(b.bins[i]!.r2)]),
      ),
      '',
      `Genotype concordance: store + QC ${pct(a.concordance)}, Beagle direct ${pct(b.concordance)} (${a.genotypes.toLocaleString('en')} genotypes).`,
      '',
      'QC of the damaged target against the store panel (injected vs counted):',
      '',
      table(['outcome', 'injected', 'QC counted'], qcRows),
      '',
      table(
        ['step', 'median wall time', 'peak RSS'],
        [
          [
            '`lightning-tiles impute` (panel export, QC, Beagle, join, report)',
            `${ours.seconds.toFixed(1)} s`,
            `${ours.peakMiB.toFixed(0)} MiB`,
          ],
          [
            'of which `lightning-tiles panel` (the export alone)',
            `${exportOnly.seconds.toFixed(1)} s`,
            `${exportOnly.peakMiB.toFixed(0)} MiB`,
          ],
          [
            '`bcftools view` panel subset (direct)',
            `${subset.seconds.toFixed(1)} s`,
            `${subset.peakMiB.toFixed(0)} MiB`,
          ],
          ['`beagle` direct', `${direct.seconds.toFixed(1)} s`, `${direct.peakMiB.toFixed(0)} MiB`],
        ],
      ),
      '',
    ].join('\n')
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await run())

// Beagle 5 (Debian's `beagle`: java -jar beagle.jar) on one chunk: phasing and imputation of the
// target against the panel. Deterministic for a given seed and thread count.
import type { AbortOptions } from '../core/errors.js'
import { runTool } from './tool.js'

export interface BeagleRun extends AbortOptions {
  /** the conformed target VCF */
  gt: string
  /** the panel (VCF or bref3) */
  ref: string
  /** output prefix: Beagle writes PREFIX.vcf.gz and PREFIX.log */
  out: string
  /** `chrom:start-end` (1-based) of the window */
  chrom: string
  /** a PLINK genetic map (default: Beagle's 1 cM = 1 Mb) */
  map?: string | undefined
  threads?: number | undefined
  seed?: number | undefined
  /** Java's maximum heap, e.g. 4g */
  memory?: string | undefined
}

/** The arguments `beagle` gets for a run (the CWL workflow passes the same). */
export function beagleArgs(r: BeagleRun): string[] {
  return [
    `gt=${r.gt}`,
    `ref=${r.ref}`,
    `out=${r.out}`,
    `chrom=${r.chrom}`,
    'gp=true',
    `seed=${r.seed ?? 1}`,
    `nthreads=${r.threads ?? 1}`,
    ...(r.map ? [`map=${r.map}`] : []),
  ]
}

export async function runBeagle(r: BeagleRun): Promise<void> {
  await runTool('beagle', beagleArgs(r), {
    what: 'Beagle',
    signal: r.signal,
    ...(r.memory ? { env: { JAVA_TOOL_OPTIONS: `-Xmx${r.memory}` } } : {}),
  })
}

// The served cohort of the server tests: the testdata store (300 samples: CEU 3, FIN 99, GBR 91,
// IBS 107) with metadata pop, sex, rank (1.. within its population) and a minimal group size:
// CEU and GBR public (no _mgs: the server default 1), FIN _mgs 10, IBS _mgs 30.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, expect } from 'vitest'
import { createServer } from '../src/server/app.js'
import type { ServerOptions } from '../src/server/app.js'
import { openStores } from '../src/server/stores.js'
import type { PrivacyOptions } from '../src/server/privacy.js'
import { runCli } from './cli.js'
import { PANEL } from './shared.js'
import { TESTDATA_VCF, testdataStore } from './testdataStore.js'

export const MGS: Record<string, number | undefined> = { FIN: 10, IBS: 30 }

export interface Sample {
  name: string
  pop: string
  sex: string
  rank: number
}

export function servedCohort(prefix: string) {
  const names = execFileSync('bcftools', ['query', '-l', TESTDATA_VCF], { encoding: 'utf8' })
    .trim()
    .split('\n')
  const built = testdataStore(prefix, names, 1_500_000)
  const panel = new Map(
    readFileSync(PANEL, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map((f) => [f[0]!, { pop: f[1]!, sex: f[3]! }]),
  )
  const rank = new Map<string, number>()
  const samples: Sample[] = names.map((name) => {
    const { pop, sex } = panel.get(name)!
    const r = (rank.get(pop) ?? 0) + 1
    rank.set(pop, r)
    return { name, pop, sex, rank: r }
  })
  beforeAll(async () => {
    const fmf = join(built.tmp, 'samples.fmf')
    writeFileSync(
      fmf,
      samples
        .map((s) => {
          const mgs = MGS[s.pop]
          return `${s.name}\tpop:Z:${s.pop}\tsex:Z:${s.sex}\trank:i:${s.rank}${mgs ? `\t_mgs:i:${mgs}` : ''}\n`
        })
        .join(''),
    )
    expect((await runCli('samples', built.dir, '--import', fmf)).code).toBe(0)
  }, 60_000)

  /** A fresh server (its own privacy state) on a free loopback port; close() after. */
  async function serve(opts: Partial<ServerOptions> & PrivacyOptions = {}) {
    const stores = await openStores([built.dir], {
      defaultMgs: opts.defaultMgs ?? 1,
      groupKeys: opts.groupKeys,
    })
    const app = await createServer({ log: false, ...opts, stores })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    return {
      url: address,
      name: stores[0]!.name,
      get: (path: string) => fetch(address + path),
      close: () => app.close(),
    }
  }
  return { built, samples, serve }
}

/** `?s=A&s=B&...` with each value URL-encoded. */
export function qs(params: [string, string | number][]): string {
  return '?' + params.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')
}

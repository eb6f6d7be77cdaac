// The adversarial privacy suite of `lightning-tiles serve`: queries an attacker would send to
// learn one private sample's genotypes (FIN: MGS 10, IBS: MGS 30; CEU and GBR public). Each is
// refused, or answered without naming a private sample or showing its genotype. Every attack
// runs on a fresh server, with the groups answered before it in the same server (the attacker
// sees them; colluding clients share one server).
import { describe, expect, it } from 'vitest'
import { genotypeSites } from '../src/query/genotypes.js'
import { openStore } from '../src/store/node.js'
import { qs, servedCohort } from './serveFixture.js'

const REGION = '20:1000000-1100000'

describe('serve: attacks on the minimal group size', () => {
  const { built, samples, serve } = servedCohort('serve-privacy-')
  const privateNames = () =>
    samples.filter((s) => s.pop === 'FIN' || s.pop === 'IBS').map((s) => s.name)
  const byPop = (pop: string, rank: number) =>
    samples.find((s) => s.pop === pop && s.rank === rank)!

  /** Run the queries in order on one fresh server; the statuses and bodies. */
  async function attack(paths: string[]): Promise<{ status: number; body: string }[]> {
    const s = await serve()
    try {
      const out = []
      for (const p of paths) {
        const res = await s.get(p)
        out.push({ status: res.status, body: await res.text() })
      }
      return out
    } finally {
      await s.close()
    }
  }
  const q = (...params: [string, string | number][]) => '/query' + qs(params)
  /** no private sample's name in an answer */
  const namesNoPrivate = (body: string) => {
    for (const name of privateNames()) expect(body).not.toContain(name)
  }

  it('1. a group naming a private sample is refused, as one naming no sample at all', async () => {
    const fin = byPop('FIN', 1).name
    const [known, unknown] = await attack([q(['s', `,${fin}`]), q(['s', ',NOSUCH0001'])])
    expect(known!.status).toBe(403)
    expect(unknown!.status).toBe(403)
    // the same words: a refusal does not tell whether the sample is in the cohort
    const error = (b: string, name: string) =>
      (JSON.parse(b) as { error: string }).error.replace(name, 'X')
    expect(error(known!.body, fin)).toBe(error(unknown!.body, 'NOSUCH0001'))
  })

  it('2. the sample name and _mgs cannot form groups', async () => {
    const [row, mgs] = await attack([
      q(['s', `_ROW_=="${byPop('FIN', 1).name}"`]),
      q(['s', '_mgs>1 && pop=="FIN"']),
    ])
    expect(row!.status).toBe(400)
    expect(row!.body).toMatch(/unknown key '_ROW_'/)
    expect(mgs!.status).toBe(400)
    expect(mgs!.body).toMatch(/unknown key '_mgs'/)
  })

  it('3. a group smaller than its members’ MGS is refused', async () => {
    const [small] = await attack([q(['s', 'pop=="IBS" && rank<=29'], ['r', REGION])])
    expect(small!.status).toBe(403)
  })

  it('4. differencing: a group, then the group minus one sample', async () => {
    const [a, b] = await attack([
      q(['s', 'pop=="FIN"'], ['r', REGION], ['t', 'POS,AC1']),
      q(['s', 'pop=="FIN" && rank!=7'], ['r', REGION], ['t', 'POS,AC1']),
    ])
    expect(a!.status).toBe(200)
    expect(b!.status).toBe(403)
    expect(b!.body).toMatch(/by subtraction/)
  })

  it('5. differencing inside one query (two groups), and nothing of it is kept', async () => {
    const [both, alone] = await attack([
      q(['s', 'pop=="IBS"'], ['s', 'pop=="IBS" && rank>1'], ['r', REGION], ['t', 'POS,AC1,AC2']),
      q(['s', 'pop=="IBS" && rank>1'], ['r', REGION], ['t', 'POS,AC1']),
    ])
    expect(both!.status).toBe(403)
    // the refused query committed nothing: IBS minus one alone is not a difference of answers
    expect(alone!.status).toBe(200)
  })

  it('6. intersection of two allowed groups that share one sample', async () => {
    const [a, b] = await attack([
      q(['s', 'pop=="IBS" && rank<=40'], ['r', REGION], ['t', 'POS,AC1']),
      q(['s', 'pop=="IBS" && rank>=40'], ['r', REGION], ['t', 'POS,AC1']),
    ])
    expect(a!.status).toBe(200)
    expect(b!.status).toBe(403)
  })

  it('7. union with one private sample of another group', async () => {
    const [a, b] = await attack([
      q(['s', 'pop=="FIN"'], ['r', REGION], ['t', 'POS,AC1']),
      q(['s', 'pop=="FIN" || (pop=="IBS" && rank==1)'], ['r', REGION], ['t', 'POS,AC1']),
    ])
    expect(a!.status).toBe(200)
    expect(b!.status).toBe(403)
  })

  it('8. carriers of a singleton carried by a private sample: counted, never named', async () => {
    // a site of the region carried by exactly one sample, a private one
    const store = openStore(built.dir)
    let found: { allele: string; carrier: string } | undefined
    for await (const site of genotypeSites(store, {
      regions: [{ chrom: '20', start: 999_999, end: 1_100_000 }],
    })) {
      const carriers = new Set<number>()
      site.alleles.forEach((a, h) => {
        if (a === 1) carriers.add(h >> 1)
      })
      if (carriers.size !== 1 || site.ref.length !== 1 || site.alt.length !== 1) continue
      const carrier = samples[[...carriers][0]!]!
      if (carrier.pop !== 'FIN' && carrier.pop !== 'IBS') continue
      found = { allele: `${site.chrom}:${site.pos}:${site.ref}:${site.alt}`, carrier: carrier.name }
      break
    }
    expect(found).toBeDefined()
    const [text, json, grouped] = await attack([
      q(['r', REGION], ['a', found!.allele], ['S', '1']),
      q(['r', REGION], ['a', found!.allele], ['S', '1'], ['format', 'json']),
      q(
        ['r', REGION],
        ['a', found!.allele],
        ['S', '1'],
        ['H', '1'],
        ['s', 'pop=="FIN"'],
        ['s', 'pop=="IBS"'],
      ),
    ])
    expect(text!.status).toBe(200)
    expect(text!.body).toBe('SH\t1\n') // one hidden carrier, no SP line
    expect(JSON.parse(json!.body).carriers).toEqual({ named: [], hidden: 1 })
    expect(grouped!.status).toBe(200)
    for (const r of [text!, json!, grouped!]) expect(r.body).not.toContain(found!.carrier)
  })

  it('9. genotypes of private samples are never shown: VCF and JSON carry public columns only', async () => {
    const [vcf, json, finOnly] = await attack([
      q(['r', '20:1000000-1010000']),
      q(['r', '20:1000000-1010000'], ['format', 'json']),
      q(['r', '20:1000000-1010000'], ['s', 'pop=="FIN"']),
    ])
    for (const r of [vcf!, json!, finOnly!]) {
      expect(r.status).toBe(200)
      namesNoPrivate(r.body)
    }
    expect(JSON.parse(json!.body).shownSamples).toHaveLength(94)
    // a group of private samples only: no genotype column at all
    const header = finOnly!.body.split('\n').find((l) => l.startsWith('#CHROM'))!
    expect(header.split('\t')).toHaveLength(8)
  })

  it('10. fine-grained groups by a key with one value per few samples (by=rank) are refused', async () => {
    const s = await serve()
    try {
      const freq = await s.get(`/freq?r=${REGION}&by=rank`)
      expect(freq.status).toBe(403)
      const tiles = (await (await s.get('/tiles?r=20:1000001-1002000')).json()) as {
        tiles: { id: string }[]
      }
      const tile = await s.get(`/tile/${tiles.tiles[0]!.id}?by=rank`)
      expect(tile.status).toBe(403)
    } finally {
      await s.close()
    }
  })

  it('11. LD in a small group, and LD in a group differing by one sample from frequencies answered', async () => {
    const ld = (group: string) => `/ld?r=20:1000000-1005000&group=${encodeURIComponent(group)}`
    const [small, freq, minusOne] = await attack([
      ld('pop=="FIN" && rank<=4'),
      `/freq?r=${REGION}&by=pop`,
      ld('pop=="FIN" && rank!=2'),
    ])
    expect(small!.status).toBe(403)
    expect(freq!.status).toBe(200)
    expect(minusOne!.status).toBe(403)
  })

  it('12. a group padded with public samples gives a private sample no cover', async () => {
    // 1 IBS sample + 91 GBR samples: 92 members, far above IBS's MGS 30, but the public GBR
    // genotypes are shown one by one, so AC − ΣGBR would be the IBS sample's
    const [padded] = await attack([
      q(['s', '(pop=="IBS" && rank==3) || pop=="GBR"'], ['r', REGION]),
    ])
    expect(padded!.status).toBe(403)
  })

  it('13. the complement: every sample, then every sample but one', async () => {
    const [all, allButOne] = await attack([
      q(['r', REGION], ['t', 'POS,AC']),
      q(['s', 'pop!="IBS" || rank!=5'], ['r', REGION], ['t', 'POS,AC1']),
    ])
    expect(all!.status).toBe(200)
    expect(allButOne!.status).toBe(403)
  })

  it('allows the groups the metadata keys make, again and again', async () => {
    const answers = await attack([
      `/freq?r=${REGION}&by=pop`,
      `/freq?r=${REGION}&by=sex`,
      q(
        ['s', 'pop=="FIN" && sex=="female"'],
        ['s', 'pop=="FIN" && sex=="male"'],
        ['r', REGION],
        ['t', 'POS,AC1,AC2'],
      ),
      `/freq?r=${REGION}&by=pop`,
    ])
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200])
  })
})

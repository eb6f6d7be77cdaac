// `lightning-tiles serve` over loopback with fetch: the view query with BGT's parameters against
// the CLI's own `view` (same records, same counts), the region endpoints, the OpenAPI description,
// gzip and CORS, and every error path: a bad expression (400 naming the column), a group below
// the minimal group size (403), the genotype cap (truncated output, marked), an unknown store
// (404), a timeout (504), the concurrency limit (503).
import { describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { qs, servedCohort } from './serveFixture.js'

const REGION = '20:1000000-1020000'

describe('serve: the API', () => {
  const { built, samples, serve } = servedCohort('serve-api-')

  it('answers the view query as the CLI does, with public genotypes only', async () => {
    const s = await serve()
    try {
      const groups: [string, string][] = [
        ['s', 'pop=="FIN"'],
        ['s', 'pop=="IBS"'],
      ]
      const filter = 'AC1>0.and.AC2==0'
      const res = await s.get(
        '/' + qs([['r', REGION], ...groups, ['f', filter], ['t', 'POS,REF,ALT,AC1,AN1,AC2,AN2']]),
      )
      expect(res.status).toBe(200)
      const served = await res.text()
      const cli = await runCli(
        'view',
        built.dir,
        '-r',
        REGION,
        '-s',
        'pop=="FIN"',
        '-s',
        'pop=="IBS"',
        '-f',
        'AC1>0&&AC2==0',
        '-t',
        'POS,REF,ALT,AC1,AN1,AC2,AN2',
      )
      expect(cli.code).toBe(0)
      expect(served).toBe(cli.stdout)
      expect(served.split('\n').length).toBeGreaterThan(5)

      // VCF: AC/AN over every sample, genotype columns of the public samples (CEU, GBR) only
      const vcf = await (
        await s.get(
          '/query' +
            qs([
              ['r', REGION],
              ['C', '1'],
            ]),
        )
      ).text()
      const header = vcf
        .split('\n')
        .find((l) => l.startsWith('#CHROM'))!
        .split('\t')
        .slice(9)
      const publicNames = samples
        .filter((x) => x.pop === 'CEU' || x.pop === 'GBR')
        .map((x) => x.name)
      expect(header).toEqual(publicNames)
      expect(vcf).toContain('##hiddenSamples=206 ')
      const cliVcf = (await runCli('view', built.dir, '-r', REGION, '-C', '-G')).stdout
      const info = (text: string) =>
        text
          .split('\n')
          .filter((l) => l && !l.startsWith('#'))
          .map((l) => l.split('\t').slice(0, 8).join('\t'))
      expect(info(vcf)).toEqual(info(cliVcf))

      // JSON: the same records
      const json = (await (
        await s.get(
          '/query' +
            qs([
              ['r', REGION],
              ['format', 'json'],
              ['g', '1'],
            ]),
        )
      ).json()) as {
        records: { pos: number; counts: { an: number; ac: number }[] }[]
        hiddenSamples: number
        truncated: boolean
      }
      expect(json.records.length).toBe(info(vcf).length)
      expect(json.truncated).toBe(false)
      expect(json.records[0]!.counts[0]!.an).toBe(600)
    } finally {
      await s.close()
    }
  })

  it('serves tiles, frequencies, LD, OpenAPI, gzip and CORS', async () => {
    const s = await serve()
    try {
      const tiles = (await (await s.get('/tiles?r=20:1000001-1002000')).json()) as {
        tiles: { id: string; start: number; end: number }[]
      }
      expect(tiles.tiles.length).toBeGreaterThan(3)
      const cliTiles = (await runCli('tiles', built.dir, '20:1000001-1002000')).stdout
      expect(tiles.tiles.map((t) => `20\t${t.start}\t${t.end}\t${t.id}`).join('\n') + '\n').toBe(
        cliTiles,
      )
      const id = tiles.tiles[1]!.id
      const loc = (await (await s.get(`/locate/${id}`)).json()) as { start: number; end: number }
      expect([loc.start, loc.end]).toEqual([tiles.tiles[1]!.start, tiles.tiles[1]!.end])
      const tile = (await (await s.get(`/tile/${id}?by=pop`)).json()) as {
        sequence: string
        edits: unknown[]
        groups: { name: string; samples: number; carriers: number }[]
      }
      const fasta = (await runCli('tile', built.dir, id)).stdout
      expect(fasta.split('\n')[1]).toBe(tile.sequence)
      expect(tile.edits).toEqual([]) // the reference tile itself
      expect(tile.groups.map((g) => [g.name, g.samples])).toEqual([
        ['CEU', 3],
        ['FIN', 99],
        ['GBR', 91],
        ['IBS', 107],
      ])

      const freq = (await (await s.get(`/freq?r=${REGION}&by=pop`)).json()) as {
        sites: { pos: number; groups: { ac: number; an: number }[] }[]
      }
      const cliFreq = (await runCli('freq', built.dir, '-r', REGION, '--by', 'pop')).stdout
      const rows = cliFreq
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
      const fin = rows.filter((r) => r[5] === 'FIN').map((r) => [Number(r[1]), Number(r[7])])
      expect(freq.sites.map((x) => [x.pos, x.groups[1]!.ac])).toEqual(fin)

      const ld = (await (
        await s.get(`/ld?r=20:1000000-1005000&group=${encodeURIComponent('pop=="FIN"')}`)
      ).json()) as {
        positions: number[]
        pairs: { r2: number[] }
      }
      expect(ld.positions.length).toBeGreaterThan(2)
      const svg = await s.get('/ld?r=20:1000000-1005000&format=svg')
      expect(svg.headers.get('content-type')).toMatch(/svg/)
      expect(await svg.text()).toMatch(/^<svg/)

      const api = (await (await s.get('/openapi.json')).json()) as {
        paths: Record<string, unknown>
      }
      expect(Object.keys(api.paths)).toEqual(
        expect.arrayContaining(['/query', '/tile/{id}', '/locate/{id}', '/tiles', '/ld', '/freq']),
      )
      const gz = await fetch(s.url + `/query?r=${REGION}`, {
        headers: { 'accept-encoding': 'gzip', origin: 'http://elsewhere.example' },
      })
      expect(gz.headers.get('content-encoding')).toBe('gzip')
      expect(gz.headers.get('access-control-allow-origin')).toBe('*')
    } finally {
      await s.close()
    }
  })

  it('names the column of a bad expression (400)', async () => {
    const s = await serve()
    try {
      const res = await s.get(
        '/query' +
          qs([
            ['r', REGION],
            ['f', 'AC>0 && (AN<'],
          ]),
      )
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: string; column: number }
      expect(body.column).toBe(13)
      expect(body.error).toMatch(/at column 13: AC>0 && \(AN</)
      const group = await s.get('/query' + qs([['s', 'pop=="FIN" &&& sex']]))
      expect(group.status).toBe(400)
      expect(((await group.json()) as { error: string }).error).toMatch(/^group 1 .*column/)
      // the schema: n must be a whole number, unknown parameters are refused
      expect((await s.get('/query?n=many')).status).toBe(400)
      expect((await s.get('/query?x=1')).status).toBe(400)
      expect((await s.get('/tile/not-a-tile')).status).toBe(400)
      expect((await s.get('/tile/0000.00.0000.fff')).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  it('refuses a group below its minimal group size (403)', async () => {
    const s = await serve()
    try {
      const res = await s.get(
        '/query' +
          qs([
            ['s', 'pop=="FIN" && rank<=5'],
            ['r', REGION],
          ]),
      )
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: string }).error).toMatch(
        /fewer samples than the minimal group size of its members \(10\)/,
      )
    } finally {
      await s.close()
    }
  })

  it('stops at the genotype cap and marks the output truncated', async () => {
    const s = await serve({ maxGenotypes: 3000 })
    try {
      // 300 samples a record: 10 records fit the cap
      const text = await (
        await s.get(
          '/query' +
            qs([
              ['r', REGION],
              ['t', 'POS'],
            ]),
        )
      ).text()
      const lines = text.trim().split('\n')
      expect(lines.length).toBe(11)
      expect(lines[10]).toBe('*')
      const json = (await (
        await s.get(
          '/query' +
            qs([
              ['r', REGION],
              ['format', 'json'],
              ['g', '1'],
            ]),
        )
      ).json()) as {
        records: unknown[]
        truncated: boolean
      }
      expect(json.records.length).toBe(10)
      expect(json.truncated).toBe(true)
      const n = await (
        await s.get(
          '/query' +
            qs([
              ['r', REGION],
              ['t', 'POS'],
              ['n', 2],
            ]),
        )
      ).text()
      expect(n.trim().split('\n')).toEqual([lines[0], lines[1], '*'])
      const freq = (await (await s.get(`/freq?r=${REGION}`)).json()) as {
        sites: unknown[]
        truncated: boolean
      }
      expect([freq.sites.length, freq.truncated]).toEqual([10, true])
    } finally {
      await s.close()
    }
  })

  it('answers 404 for an unknown store', async () => {
    const s = await serve()
    try {
      const res = await s.get('/query?store=nothere&r=20:1000000-1000100')
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: string }).error).toBe(
        `no store 'nothere' here (stores: ${s.name})`,
      )
      const stores = (await (await s.get('/stores')).json()) as { stores: { name: string }[] }
      expect(stores.stores.map((x) => x.name)).toEqual([s.name])
    } finally {
      await s.close()
    }
  })

  it('answers 504 past the timeout and 503 beyond the concurrency limit', async () => {
    const slow = await serve({ timeoutMs: 1 })
    try {
      const res = await slow.get(
        '/query' +
          qs([
            ['r', '20:1000000-3000000'],
            ['format', 'json'],
          ]),
      )
      expect(res.status).toBe(504)
      expect(((await res.json()) as { error: string }).error).toMatch(/timeout/)
    } finally {
      await slow.close()
    }
    const one = await serve({ maxConcurrent: 1 })
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          one.get(
            '/query' +
              qs([
                ['r', '20:1000000-1050000'],
                ['t', 'POS'],
              ]),
          ),
        ),
      )
      const statuses = answers.map((a) => a.status)
      expect(statuses).toContain(200)
      expect(statuses).toContain(503)
      const busy = answers.find((a) => a.status === 503)!
      expect(busy.headers.get('retry-after')).toBe('1')
    } finally {
      await one.close()
    }
  })
})

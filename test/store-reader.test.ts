// The Store under every reader, on a store built from testdata/, from a directory and over HTTP:
// one caller's abort rejects that caller only while another waits on the same loads; a failed
// load (an HTTP 500, a file not there yet) is retried by the next call; and caches bounded far
// below what the questions touch still give every answer right. Expected tiles come from the
// store's SGLF read with zlib, apart from the library tar and counts file the Store reads.
import { readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/random.js'
import { formatStepId } from '../src/core/tileId.js'
import { TileResolver } from '../src/resolver/TileResolver.js'
import { storeFiles } from '../src/store/layout.js'
import { openStore } from '../src/store/node.js'
import { Store } from '../src/store/Store.js'
import type { StoreOptions } from '../src/store/Store.js'
import { serveDirectory } from './httpServer.js'
import type { StaticServer } from './httpServer.js'
import { testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099', 'HG00100', 'HG00101']
const built = testdataStore('store-reader-', SAMPLES, 1_000_000, { sglf: true })
let server: StaticServer

/** Every tile of the store as its SGLF lists it: ID without span → [span, bases]. */
const sglf = new Map<string, { span: number; seq: string }>()

beforeAll(async () => {
  server = await serveDirectory(built.dir)
  for (const p of built.manifest.paths) {
    const text = gunzipSync(readFileSync(join(built.dir, storeFiles.sglf(p.path)))).toString()
    for (const line of text.split('\n')) {
      if (!line) continue
      const [id, , seq] = line.split(',')
      const [name, span] = id!.split('+')
      sglf.set(name!, { span: parseInt(span!, 16), seq: seq! })
    }
  }
}, 60_000)
afterAll(() => server?.close())

const stores: Record<string, (opts?: Omit<StoreOptions, 'open'>) => Store> = {
  directory: (opts) => openStore(built.dir, opts),
  http: (opts) => Store.open(`${server.url}/`, opts),
}

/** A tile ID of the store with several variants, and its expected bases. */
function someTile(seed: number): { id: string; seq: string } {
  const ids = [...sglf.keys()].filter((id) => !id.endsWith('.000'))
  const id = ids[Math.floor(seededRandom(seed)() * ids.length)]!
  return { id, seq: sglf.get(id)!.seq }
}

describe.each(['directory', 'http'])('Store from a %s', (kind) => {
  const open = (opts?: Omit<StoreOptions, 'open'>) => stores[kind]!(opts)

  it('aborts only the caller whose signal fired, while another waits on the same loads', async () => {
    for (const seed of [1, 2, 3]) {
      const { id, seq } = someTile(seed)
      const r = new TileResolver(open())
      const ac = new AbortController()
      const aborted = r.sequence(id, { signal: ac.signal })
      const other = r.sequence(id)
      await Promise.resolve()
      ac.abort()
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
      expect((await other).sequence).toBe(seq)
    }
  })

  it('aborts one of two genome reads of the same region, the other gets its bases', async () => {
    const region = { chrom: '20', start: 2_000_000, end: 2_003_000 }
    const want = await (await new TileResolver(open()).genome(SAMPLES[1]!)).sequence(1, region)
    expect(want.length).toBeGreaterThan(2900)
    const r = new TileResolver(open())
    const ac = new AbortController()
    const [g1, g2] = await Promise.all([r.genome(SAMPLES[1]!), r.genome(SAMPLES[1]!)])
    const aborted = g1.sequence(1, region, { signal: ac.signal })
    const other = g2.sequence(1, region)
    await Promise.resolve()
    ac.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    expect(await other).toBe(want)
  })

  it('keeps every answer right with caches far smaller than the questions', async () => {
    const tiny = new TileResolver(open({ cacheBytes: 4096, libraryReaders: 1, genomeReaders: 1 }))
    const whole = new TileResolver(open())
    const random = seededRandom(11)
    const ids = [...sglf.keys()]
    for (let k = 0; k < 60; k++) {
      const id = ids[Math.floor(random() * ids.length)]!
      const t = await tiny.sequence(id)
      expect([t.sequence, t.span]).toEqual([sglf.get(id)!.seq, sglf.get(id)!.span])
    }
    // a variant other than 0 from the middle of each path on (path 0000 has none: the VCF
    // starts at 1 Mb)
    for (const p of built.manifest.paths.slice(1)) {
      let step = Math.floor(p.steps / 2)
      while (step < p.steps && !sglf.has(`${formatStepId(p.path, step)}.001`)) step++
      const id = `${formatStepId(p.path, step)}.001`
      const carriers = await tiny.carriers(id)
      expect(carriers.length).toBeGreaterThan(0)
      expect(carriers).toEqual(await whole.carriers(id))
    }
    const region = { chrom: '20', start: 1_999_000, end: 2_001_000 }
    for (const s of SAMPLES)
      expect(await (await tiny.genome(s)).sequence(0, region)).toBe(
        await (await whole.genome(s)).sequence(0, region),
      )
  })
})

describe('a failed load is forgotten and retried by the next call', () => {
  it('over HTTP: a 500 for the manifest, then for a library index', async () => {
    const r = TileResolver.open(server.url)
    server.failNext('/manifest.json')
    await expect(r.manifest()).rejects.toThrow(/manifest\.json.*500/)
    expect((await r.manifest()).samples.map((s) => s.name)).toEqual(SAMPLES)

    const { id, seq } = someTile(4)
    server.failNext(`/${storeFiles.libraryTai(parseInt(id.slice(0, 4), 16))}`)
    await expect(r.sequence(id)).rejects.toThrow(/500/)
    expect((await r.sequence(id)).sequence).toBe(seq)
  })

  it('from a directory: a library index that is missing, then back', async () => {
    const r = new TileResolver(openStore(built.dir))
    const { id, seq } = someTile(5)
    const tai = join(built.dir, storeFiles.libraryTai(parseInt(id.slice(0, 4), 16)))
    renameSync(tai, `${tai}.away`)
    try {
      await expect(r.sequence(id)).rejects.toThrow(/ENOENT/)
    } finally {
      renameSync(`${tai}.away`, tai)
    }
    expect((await r.sequence(id)).sequence).toBe(seq)
  })
})

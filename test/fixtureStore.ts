// A store directory made from the vendored fixtures in testdata/fixtures (path 035e = hg19 chrM),
// laid out as src/store/manifest.ts describes, until the store builder can make one. Node-only
// test helper.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalFile } from 'generic-filehandle2'
import { TarReader } from '../src/container/tar/reader.js'
import { CgfReader } from '../src/formats/cgf/reader.js'
import { libraryVersion, sglfPathVersions } from '../src/formats/sglf/reader.js'
import { SpanTable } from '../src/formats/span/reader.js'
import { writeTagset2bit } from '../src/formats/tagset/writer.js'
import { parseTwoBit } from '../src/formats/twobit/reader.js'
import { encodeCounts, NO_REF_VARIANT } from '../src/library/counts.js'
import { AssemblyReader } from '../src/formats/assembly/reader.js'
import { storeFiles } from '../src/store/layout.js'
import { STORE_FORMAT, STORE_FORMAT_VERSION } from '../src/store/manifest.js'
import type { StoreManifest } from '../src/store/manifest.js'
import { FIXTURES, named } from './shared.js'

export const PATH = 0x35e
export const SAMPLES = ['hu826751', 'hu34D5B9']
export const SGLF = `${FIXTURES}l7g/fjt/035e.1.sglf.gz`
const DERIVED = `${FIXTURES}derived/`

export interface FixtureStore {
  dir: string
  manifest: StoreManifest
  remove(): void
}

export async function makeFixtureStore(): Promise<FixtureStore> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-store-'))
  for (const sub of ['library', 'genomes']) mkdirSync(join(dir, sub))
  const tags = readFileSync(`${FIXTURES}l7g/fjcsv2sglf/035e.tagset`, 'utf8')
    .split('\n')
    .filter(Boolean)
  await writeTagset2bit(join(dir, storeFiles.tagset), new Map([[PATH, tags]]))
  for (const build of ['hg19', 'human_g1k_v37']) {
    const src = `${DERIVED}assembly.00.${build}.035e.fw`
    copyFileSync(`${src}.gz`, join(dir, storeFiles.assembly(build)))
    copyFileSync(`${src}.gz.gzi`, join(dir, storeFiles.assemblyGzi(build)))
    copyFileSync(`${src}.fwi`, join(dir, storeFiles.assemblyFwi(build)))
  }
  const lib = `${DERIVED}tilelib-035e/`
  copyFileSync(`${lib}035e.tar.gz`, join(dir, storeFiles.libraryTar(PATH)))
  copyFileSync(`${lib}035e.tar.gz.gzi`, join(dir, storeFiles.libraryGzi(PATH)))
  copyFileSync(`${lib}035e.tar.tai`, join(dir, storeFiles.libraryTai(PATH)))
  copyFileSync(`${lib}span.035e.csv.gz`, join(dir, storeFiles.span))
  for (const s of SAMPLES)
    copyFileSync(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`, join(dir, storeFiles.genome(s)))

  // Counts file: variants per step from the library, spans from the span CSV, haplotype counts
  // from the two genomes.
  const tar = TarReader.open(`${lib}035e.tar.gz`, (n) => new LocalFile(n))
  const tai = await tar.index()
  const nSteps = tai.length
  const stepStart = new Uint32Array(nSteps + 1)
  for (let step = 0; step < nSteps; step++) {
    const name = tai.names[step]!
    const n = parseTwoBit(await tar.read(name), name).length
    stepStart[step + 1] = stepStart[step]! + n
  }
  const nVariants = stepStart[nSteps]!
  const spans = await SpanTable.load(named(`${lib}span.035e.csv.gz`))
  const span = new Uint32Array(nVariants)
  const count = new Uint32Array(nVariants)
  for (let step = 0; step < nSteps; step++)
    for (let v = stepStart[step]!; v < stepStart[step + 1]!; v++)
      span[v] = spans.get(PATH, step, v - stepStart[step]!)
  for (const s of SAMPLES) {
    const band = await new CgfReader(named(`${FIXTURES}generated/cgf3/${s}-035e.cgf3`)).band(PATH)
    for (const allele of band.variants)
      allele.forEach((v, step) => {
        if (v >= 0) count[stepStart[step]! + v]!++
      })
  }
  // The reference tile's variant per step: the library variant equal to hg19 chrM there.
  const chrM = readFileSync(`${FIXTURES}l7g/reference/hg19-chrM.fa`, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('>'))
    .join('')
    .toLowerCase()
  const asm = new AssemblyReader({ gz: named(`${DERIVED}assembly.00.hg19.035e.fw.gz`) })
  const refVariant = new Uint32Array(nSteps).fill(NO_REF_VARIANT)
  for (const t of await asm.pathTiles(PATH)) {
    const seqs = parseTwoBit(await tar.read(tai.names[t.step]!), 'member', { lowercase: true })
    const v = seqs.findIndex((r) => r.sequence === chrM.slice(t.start, t.end))
    if (v >= 0) refVariant[t.step] = v
  }
  writeFileSync(
    join(dir, storeFiles.libraryCounts(PATH)),
    encodeCounts({ stepStart, count, span, refVariant }),
  )

  const version = (await sglfPathVersions(named(SGLF))).get(PATH)!
  const manifest: StoreManifest = {
    format: STORE_FORMAT,
    formatVersion: STORE_FORMAT_VERSION,
    build: 'hg19',
    tagLength: 24,
    libraryVersion: libraryVersion([[PATH, version]]),
    contigs: [{ name: 'chrM', length: 16571 }],
    paths: [
      {
        path: PATH,
        chrom: 'chrM',
        start: 0,
        end: 16571,
        steps: nSteps,
        variants: nVariants,
        version,
      },
    ],
    samples: SAMPLES.map((name) => ({ name, phased: true, cgf: storeFiles.genome(name) })),
    source: { reference: 'hg19 chrM (fixtures)' },
    created: new Date(0).toISOString(),
    tool: 'test/fixtureStore.ts',
  }
  writeFileSync(join(dir, storeFiles.manifest), JSON.stringify(manifest, null, 2))
  return { dir, manifest, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

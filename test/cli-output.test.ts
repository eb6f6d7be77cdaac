// Output that other tools accept: vcf -o x.vcf.gz is BGZF with a CSI index that tabix and bcftools
// read; several regions (-r A,B and -R FILE) select what bcftools view -r selects; tiles prints IDs
// that tile and locate take; --samples-file is --samples from a file; --version is the package's.
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from './cli.js'
import { hasTool } from './shared.js'
import { TESTDATA_REF, testdataStore } from './testdataStore.js'

const SAMPLES = ['HG00096', 'HG00097', 'HG00099']
/** one path over the whole contig, and four of 1 Mb (regions in several paths) */
const one = testdataStore('lt-out1-', SAMPLES, 4_000_000)
const four = testdataStore('lt-out4-', SAMPLES, 1_000_000)
const tmp = mkdtempSync(join(tmpdir(), 'lt-out-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** The CLI's stdout; it must succeed silently. (runCli captures stdout: one call at a time.) */
async function ok(...args: string[]): Promise<string> {
  const r = await runCli(...args)
  expect(r.err, args.join(' ')).toBe('')
  expect(r.code, args.join(' ')).toBe(0)
  return r.stdout
}

const records = (vcf: string) => vcf.split('\n').filter((l) => l !== '' && !l.startsWith('#'))
const header = (vcf: string) => vcf.split('\n').filter((l) => l.startsWith('#'))
const bcftools = (...args: string[]) =>
  execFileSync('bcftools', args, { encoding: 'utf8', maxBuffer: 1 << 28 })

/**
 * A CSI index as text, bins sorted (htslib writes them in hash order): the header, then per
 * contig each bin with its first offset and chunks.
 */
function csiText(file: string): string {
  const b = gunzipSync(readFileSync(file))
  let o = 0
  const i32 = () => ((o += 4), b.readInt32LE(o - 4))
  const u64 = () => ((o += 8), b.readBigUInt64LE(o - 8).toString(16))
  const out = [b.subarray(0, 4).toString('latin1')]
  o = 4
  const [minShift, depth, lAux] = [i32(), i32(), i32()]
  out.push(`min_shift ${minShift} depth ${depth} aux ${b.subarray(o, o + lAux).toString('hex')}`)
  o += lAux
  for (let ref = 0, n = i32(); ref < n; ref++) {
    const bins: string[] = []
    for (let k = 0, nBin = i32(); k < nBin; k++) {
      const bin = b.readUInt32LE(o)
      o += 4
      const loff = u64()
      const chunks: string[] = []
      for (let c = 0, nChunk = i32(); c < nChunk; c++) chunks.push(`${u64()}-${u64()}`)
      bins.push(`${String(bin).padStart(10)} ${loff} ${chunks.join(' ')}`)
    }
    out.push(`ref ${ref}`, ...bins.sort())
  }
  out.push(`rest ${b.subarray(o).toString('hex')}`)
  return out.join('\n')
}

/** Records sorted by position, each once (what a union of region queries must give). */
function union(...lists: string[][]): string[] {
  const pos = (l: string) => Number(l.split('\t', 2)[1])
  return [...new Set(lists.flat())].sort((a, b) => pos(a) - pos(b))
}

describe('vcf with several regions', () => {
  // regions in three paths, two of them overlapping, given out of order
  const A = '20:2000001-2060000'
  const B = '20:2040001-2100000'
  const C = '20:1100001-1150000'
  const D = '20:3990001-4000000'

  it('-r A,B,C,D is the union of -r A, -r B, -r C and -r D, sorted, each record once', async () => {
    const each: string[] = []
    for (const r of [A, B, C, D]) each.push(await ok('vcf', four.dir, '-r', r)) // runCli one at a time
    const all = await ok('vcf', four.dir, '-r', [A, B, C, D].join(','))
    expect(header(all)).toEqual(header(each[0]!))
    const expected = union(...each.map(records))
    expect(expected.length).toBeGreaterThan(100)
    expect(records(all)).toEqual(expected)
  })

  it('-R regions.bed and a 1-based regions file give what -r gives', async () => {
    const bed = join(tmp, 'regions.bed')
    const tsv = join(tmp, 'regions.tsv')
    const rows = [A, B, C, D].map((r) => r.split(/[:-]/).map((x, i) => (i ? Number(x) : x)))
    // BED is 0-based half-open; the BED file also names a contig the store lacks (skipped)
    writeFileSync(
      bed,
      ['track name=x', ...rows.map(([c, b, e]) => `${c}\t${Number(b) - 1}\t${e}`), 'chrY\t0\t10']
        .join('\n')
        .concat('\n'),
    )
    writeFileSync(tsv, rows.map(([c, b, e]) => `${c}\t${b}\t${e}`).join('\n') + '\n')
    const byList = await ok('vcf', four.dir, '-r', [A, B, C, D].join(','))
    expect(await ok('vcf', four.dir, '-R', bed)).toBe(byList)
    expect(await ok('vcf', four.dir, '-R', tsv)).toBe(byList)
  })

  it('-o through a symbolic link keeps the link; -o -, /dev/stdout and a pipe work', async () => {
    const expected = await ok('vcf', four.dir, '-r', A)
    const target = join(tmp, 'target.vcf')
    const link = join(tmp, 'link.vcf')
    writeFileSync(target, 'old\n')
    symlinkSync(target, link)
    await ok('vcf', four.dir, '-r', A, '-o', link)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(target, 'utf8')).toBe(expected)
    expect(await ok('vcf', four.dir, '-r', A, '-o', '-')).toBe(expected)
    if (existsSync('dist/esm/cli/main.js')) {
      const args = ['bin/lightning-tiles.js', 'vcf', four.dir, '-r', A, '-o', '/dev/stdout']
      expect(execFileSync(process.execPath, args, { encoding: 'utf8' })).toBe(expected)
      // a pipe (bash process substitution) is written in place, not replaced
      const piped = join(tmp, 'piped.vcf')
      const script = `"$@" -o >(cat > '${piped}'); wait $!`
      execFileSync('bash', ['-c', script, 'bash', process.execPath, ...args.slice(0, -2)])
      expect(readFileSync(piped, 'utf8')).toBe(expected)
    }
  })

  it('--samples-file gives what --samples gives; the older --region still works', async () => {
    const file = join(tmp, 'samples.txt')
    writeFileSync(file, `${SAMPLES[2]}\n\n${SAMPLES[0]}\n`)
    const bySamples = await ok('vcf', four.dir, '-r', A, '--samples', `${SAMPLES[2]},${SAMPLES[0]}`)
    expect(header(bySamples).at(-1)!.split('\t').slice(9)).toEqual([SAMPLES[2], SAMPLES[0]])
    expect(await ok('vcf', four.dir, '-r', A, '--samples-file', file)).toBe(bySamples)
    expect(await ok('vcf', four.dir, '--region', A)).toBe(await ok('vcf', four.dir, '-r', A))
  })
})

describe.skipIf(!hasTool('bcftools') || !hasTool('tabix'))(
  'vcf -o x.vcf.gz --write-index, read by tabix and bcftools',
  () => {
    const out = join(tmp, 'all.vcf.gz')
    let ours = ''
    beforeAll(async () => {
      await ok('vcf', one.dir, '-o', out, '--write-index')
      ours = await ok('vcf', one.dir)
    }, 120_000)

    it('is BGZF with the same text as stdout, and its CSI index lists the contig', () => {
      expect(execFileSync('bgzip', ['-t', out]).toString()).toBe('')
      expect(execFileSync('bgzip', ['-dc', out], { encoding: 'utf8', maxBuffer: 1 << 28 })).toBe(
        ours,
      )
      expect(readFileSync(`${out}.csi`).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
      expect(execFileSync('tabix', ['-l', out], { encoding: 'utf8' })).toBe('20\n')
      expect(bcftools('index', '--nrecords', out).trim()).toBe(String(records(ours).length))
    })

    it('its CSI holds what tabix -C writes for the same file (bins, chunks, offsets)', () => {
      const copy = join(tmp, 'copy.vcf.gz')
      copyFileSync(out, copy)
      execFileSync('tabix', ['-C', '-p', 'vcf', copy])
      const theirs = csiText(`${copy}.csi`)
      expect(theirs.split('\n').length).toBeGreaterThan(20)
      expect(csiText(`${out}.csi`)).toBe(theirs)
    })

    it('bcftools view -r on it agrees with vcf -r, one region or several', async () => {
      // a deletion to put two regions inside: bcftools prints such a record once
      const del = records(ours).find((l) => l.split('\t')[3]!.length >= 6)!
      const [, p] = del.split('\t')
      const pos = Number(p)
      const queries = [
        '20:1000001-1010000',
        '20:2500000-2600000',
        '20:3999990-4000000',
        '20:1500000',
        '20:3000000-',
        '20:2600001-2650000,20:1200001-1210000,20:2640001-2700000',
        `20:${pos + 1},20:${pos + 3}-${pos + 4}`,
      ]
      for (const q of queries) {
        const expected = records(bcftools('view', '-r', q, out))
        const got = records(await ok('vcf', one.dir, '-r', q))
        expect(got, q).toEqual(expected)
      }
      expect(records(await ok('vcf', one.dir, '-r', `20:${pos + 1},20:${pos + 3}`))).toContain(del)
    })

    it('a later -o without --write-index removes the stale index', async () => {
      const again = join(tmp, 'again.vcf.gz')
      await ok('vcf', one.dir, '-r', '20:2000001-2010000', '-o', again, '--write-index')
      await ok('vcf', one.dir, '-r', '20:3000001-3010000', '-o', again)
      expect(() => readFileSync(`${again}.csi`)).toThrow(/ENOENT/)
    })
  },
)

describe('tiles prints IDs that tile and locate take', () => {
  it('each ID from tiles gives the reference bases to tile and the same interval to locate', async () => {
    const bed = await ok('tiles', four.dir, '20:1999001-2001000')
    const lines = bed.trim().split('\n')
    // the region crosses from path 0001 into path 0002
    expect(new Set(lines.map((l) => l.split('\t')[3]!.slice(0, 4)))).toEqual(
      new Set(['0001', '0002']),
    )
    for (const line of lines) {
      const [chrom, start, end, id] = line.split('\t') as [string, string, string, string]
      expect(id).toMatch(/^[0-9a-f]{4}\.00\.[0-9a-f]{4}\.[0-9a-f]{3}\+[0-9a-f]+$/)
      expect(await ok('locate', four.dir, id)).toBe(`${line}\n`)
      const [head, seq] = (await ok('tile', four.dir, id)).split('\n')
      expect(head).toBe(`>${id}`)
      // the reference's own tile: its bases are the reference over the interval
      if (hasTool('samtools')) {
        const ref = execFileSync('samtools', [
          'faidx',
          TESTDATA_REF,
          `${chrom}:${Number(start) + 1}-${end}`,
        ])
          .toString()
          .split('\n')
          .slice(1)
          .join('')
        expect(seq!.toUpperCase()).toBe(ref.toUpperCase())
      }
    }
  })

  it('several regions: each tile once, in order; -R gives the same', async () => {
    const a = await ok('tiles', four.dir, '20:2000001-2001000')
    const b = await ok('tiles', four.dir, '20:2000801-2002000')
    const c = await ok('tiles', four.dir, '20:1500001-1500100')
    const both = await ok(
      'tiles',
      four.dir,
      '20:2000801-2002000,20:1500001-1500100,20:2000001-2001000',
    )
    const expected = [...new Set([...c.split('\n'), ...a.split('\n'), ...b.split('\n')])]
      .filter(Boolean)
      .map((l) => `${l}\n`)
      .join('')
    expect(both).toBe(expected)
    const bed = join(tmp, 'tiles.bed')
    writeFileSync(bed, '20\t2000800\t2002000\n20\t1500000\t1500100\n20\t2000000\t2001000\n')
    expect(await ok('tiles', four.dir, '-R', bed)).toBe(both)
  })
})

it('fasta -r A,B gives one record per region, as separate calls do', async () => {
  const args = ['fasta', four.dir, '--sample', SAMPLES[0]!, '--haplotype', '2']
  const a = await ok(...args, '-r', '20:2000001-2000100')
  const b = await ok(...args, '-r', '20:1500001-1500050')
  expect(await ok(...args, '-r', '20:2000001-2000100,20:1500001-1500050')).toBe(a + b)
  expect(a.split('\n')[0]).toBe('>20:2000001-2000100')
})

it('--version prints the version in package.json', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
  expect(await ok('--version')).toBe(`${version}\n`)
})

// BGZF write throughput (our writer vs `bgzip -c`) and single-member random reads from a BGZF tar
// (our TarReader, and @gmod/bgzf-filehandle, vs one `bgzip -b OFFSET -s SIZE` process per read).
import { execFileSync } from 'node:child_process'
import {
  createReadStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BgzfFilehandle } from '@gmod/bgzf-filehandle'
import { writeBgzfFile } from '../src/container/bgzf/writer.js'
import { TarReader } from '../src/container/tar/reader.js'
import { writeTarBgzf } from '../src/container/tar/writer.js'
import { openFile } from '../src/core/nodeFile.js'
import { table, timeAsync, timeCommand } from './lib.js'

const INPUT_BYTES = 64_000_000
const MEMBERS = 2000
const READS = 300
const RUNS = 3
const READ_RUNS = 5

export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'lt-bench-bgzf-'))
  try {
    const fa = new URL('../../shared/data/grch37-chr20/20.fa.gz', import.meta.url).pathname
    const input = join(dir, 'chr20.fa')
    execFileSync('bash', ['-c', `bgzip -dc '${fa}' | head -c ${INPUT_BYTES} > '${input}'`])
    const mb = statSync(input).size / 1e6

    const ours = await timeAsync(
      () =>
        writeBgzfFile(join(dir, 'ours.gz'), createReadStream(input, { highWaterMark: 1 << 20 })),
      RUNS,
    )
    const bgzipCmd = `bgzip -c ${input} > ${join(dir, 'bgzip.gz')}`
    const bgzip = timeCommand(bgzipCmd, RUNS)
    const oursSize = statSync(join(dir, 'ours.gz')).size
    const bgzipSize = statSync(join(dir, 'bgzip.gz')).size

    // A tar of many members of 1–20 kB of chr20 text, like a tile library's per-step 2bit files.
    let s = 1
    const rnd = (n: number) => (s = (s * 48271) % 2147483647) % n
    const text = readFileSync(input)
    const members = Array.from({ length: MEMBERS }, (_, i) => {
      const size = 1000 + rnd(19_000)
      const at = rnd(text.length - size)
      return {
        name: `bench.00.${i.toString(16).padStart(4, '0')}.2bit`,
        data: text.subarray(at, at + size),
      }
    })
    const tarGz = join(dir, 'lib.tar.gz')
    await writeTarBgzf(tarGz, members)
    const reader = TarReader.open(tarGz, openFile)
    const index = await reader.index()
    const picks = Array.from({ length: READS }, () => index.names[rnd(index.length)]!)
    const tarReads = async () => {
      for (const name of picks) await reader.read(name)
    }
    await tarReads()
    const tarRead = await timeAsync(tarReads, READ_RUNS)
    const gmod = new BgzfFilehandle({
      filehandle: openFile(tarGz),
      gziFilehandle: openFile(`${tarGz}.gzi`),
    })
    const gmodReads = async () => {
      for (const name of picks) {
        const e = index.get(name)!
        await gmod.read(e.size, e.offset)
      }
    }
    await gmodReads()
    const gmodRead = await timeAsync(gmodReads, READ_RUNS)
    const script = join(dir, 'reads.sh')
    writeFileSync(
      script,
      picks
        .map((name) => {
          const e = index.get(name)!
          return `bgzip -c -b ${e.offset} -s ${e.size} ${tarGz} > /dev/null`
        })
        .join('\n') + '\n',
    )
    const bgzipRead = timeCommand(`bash ${script}`, READ_RUNS)

    const mbps = (sec: number) => (mb / sec).toFixed(1)
    const rps = (sec: number) => (READS / sec).toFixed(0)
    return [
      '### BGZF write and tar member random reads',
      '',
      `Write: the first ${mb.toFixed(0)} MB of GRCh37 chr20 FASTA at level 6 (ours: Node zlib; bgzip: libdeflate). Ours is`,
      '`writeBgzfFile(out, createReadStream(in))` in-process (single thread), bgzip is',
      `\`${bgzipCmd.replaceAll(dir, '$TMP')}\` (one thread). Output: ours ${oursSize} bytes, bgzip ${bgzipSize} bytes.`,
      `Read: ${READS} random members (1–20 kB) of a ${MEMBERS}-member tar built by \`writeTarBgzf\`, warm`,
      '(index loaded, file in page cache, one untimed pass first); ours is `TarReader.read(name)` (one ranged read per member), then',
      '@gmod/bgzf-filehandle `read(size, offset)` with the same offsets, against one',
      '`bgzip -c -b OFFSET -s SIZE lib.tar.gz > /dev/null` process per member. Medians of',
      `${RUNS} runs (write) and ${READ_RUNS} runs (reads); the 2 cores were shared with other work.`,
      '',
      table(
        ['task', 'ours', '@gmod/bgzf-filehandle', 'bgzip', 'ours / bgzip'],
        [
          ['write, MB/s', mbps(ours), '–', mbps(bgzip.seconds), (bgzip.seconds / ours).toFixed(2)],
          [
            'member reads/s',
            rps(tarRead),
            rps(gmodRead),
            rps(bgzipRead.seconds),
            (bgzipRead.seconds / tarRead).toFixed(1),
          ],
        ],
      ),
      '',
    ].join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

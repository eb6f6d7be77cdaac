// Shared helpers for benchmarks: timing, peak memory of child processes, machine description.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpus, totalmem } from 'node:os'
import { indexAlleles } from '../src/alleles/writer.js'
import type { StoreManifest } from '../src/store/manifest.js'

export interface Measure {
  /** median wall time, seconds */
  seconds: number
  /** median peak resident memory, MiB (child processes only; NaN when unknown) */
  peakMiB: number
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Run a shell command `runs` times under GNU time; median wall time and peak RSS. */
export function timeCommand(command: string, runs = 3): Measure {
  const secs: number[] = []
  const mems: number[] = []
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', 'bash', '-c', command], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    })
    if (r.status !== 0) throw new Error(`benchmark command failed: ${command}\n${r.stderr}`)
    const last = r.stderr.trim().split('\n').pop()!.split(' ')
    secs.push(Number(last[0]))
    mems.push(Number(last[1]) / 1024)
  }
  return { seconds: median(secs), peakMiB: median(mems) }
}

/** Time an in-process async function `runs` times; median wall seconds. */
export async function timeAsync(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const secs: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    secs.push((performance.now() - t0) / 1000)
  }
  return median(secs)
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  const tool = (cmd: string) =>
    spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? '?'
  return [
    `- CPU: ${cpu}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}; ${tool('bcftools --version')}; ${tool('bgzip --version')}`,
  ].join('\n')
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/**
 * Give a store kept from an earlier run the allele index a current build writes, when it lacks
 * one (or has one for another library): its queries would otherwise read the tiles, which is not
 * what a store of today's build measures.
 */
export async function withAlleleIndex(store: string): Promise<void> {
  const m = JSON.parse(readFileSync(join(store, 'manifest.json'), 'utf8')) as StoreManifest
  if (m.alleles?.libraryVersion === m.libraryVersion) return
  process.stderr.write(`indexing the alleles of ${store} (kept from before the allele index)...\n`)
  await indexAlleles(store)
}

/**
 * `lightning-tiles serve ARGS --port 0` started from this checkout: its URL once it listens, its
 * access log (a line per request on stderr) drained. The caller stops it (`server.kill()`).
 */
export async function startServe(args: string[]): Promise<{ url: string; server: ChildProcess }> {
  const bin = fileURLToPath(new URL('../bin/lightning-tiles.js', import.meta.url))
  const server = spawn(process.execPath, [bin, 'serve', ...args, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = ''
      server.stderr.on('data', (b: Buffer) => {
        buffer += b.toString()
        const m = /"listening":"([^"]+)"/.exec(buffer)
        if (m) resolve(m[1]!)
      })
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${buffer}`)))
    })
    server.stderr.removeAllListeners('data')
    server.stderr.resume()
    return { url, server }
  } catch (err) {
    server.kill('SIGTERM')
    throw err
  }
}

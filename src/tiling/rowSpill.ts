// Node-only: a streamed path's tiles (PathLibraryBuilder with a spill), one window of steps at a
// time, appended to a scratch file as each window is done and read back in order once the path's
// variants are numbered, so that a build holds one window of the cohort, never a whole path of it.
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { deflateRawSync, inflateRawSync } from 'node:zlib'

/** One window: steps [from, to) and where its compressed bytes lie in the file. */
interface SpillWindow {
  from: number
  to: number
  at: number
  length: number
}

export class RowSpill {
  private windows: SpillWindow[] = []
  private end = 0

  private constructor(private readonly fh: FileHandle) {}

  static async create(file: string): Promise<RowSpill> {
    return new RowSpill(await open(file, 'w+'))
  }

  /** Start a path: the windows of the previous one are forgotten and their bytes overwritten. */
  reset(): void {
    this.windows = []
    this.end = 0
  }

  /** Append the window of steps [from, to) (level 1: the spill is read once, soon). */
  async append(from: number, to: number, bytes: Uint8Array): Promise<void> {
    const z = deflateRawSync(bytes, { level: 1 })
    await this.fh.write(z, 0, z.length, this.end)
    this.windows.push({ from, to, at: this.end, length: z.length })
    this.end += z.length
  }

  /** The windows appended since the last reset, in order. */
  async *read(): AsyncGenerator<{ from: number; to: number; bytes: Uint8Array }> {
    for (const w of this.windows) {
      const z = Buffer.alloc(w.length)
      await this.fh.read(z, 0, w.length, w.at)
      yield { from: w.from, to: w.to, bytes: inflateRawSync(z) }
    }
  }

  async close(): Promise<void> {
    await this.fh.close()
  }
}

// Node-only: the PathStruct of every (path, sample), appended to a scratch file as soon as it is
// encoded, so that a build never holds N × paths structs; each sample's CGF is then assembled
// from the file once every path is done.
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

/** Bytes collected before one write to the file. */
const BATCH = 1 << 22

export class PathStructSpill {
  /** path numbers, in the order their structs were added */
  readonly paths: number[] = []
  /** struct of (path k, sample i) at at[k * nSamples + i], length[...] bytes */
  private readonly at: Float64Array
  private readonly length: Uint32Array
  private end = 0
  private batch: Uint8Array[] = []
  private batchBytes = 0

  private constructor(
    private readonly file: string,
    private readonly fh: FileHandle,
    nPaths: number,
    private readonly nSamples: number,
  ) {
    this.at = new Float64Array(nPaths * nSamples)
    this.length = new Uint32Array(nPaths * nSamples)
  }

  static async create(file: string, nPaths: number, nSamples: number): Promise<PathStructSpill> {
    return new PathStructSpill(file, await open(file, 'w+'), nPaths, nSamples)
  }

  /** Start the structs of `path`; then add one per sample, in sample order, and end it. */
  beginPath(path: number): void {
    this.paths.push(path)
  }

  async add(sample: number, bytes: Uint8Array): Promise<void> {
    const k = (this.paths.length - 1) * this.nSamples + sample
    this.at[k] = this.end + this.batchBytes
    this.length[k] = bytes.length
    this.batch.push(bytes)
    this.batchBytes += bytes.length
    if (this.batchBytes >= BATCH) await this.flush()
  }

  async endPath(): Promise<void> {
    await this.flush()
  }

  private async flush(): Promise<void> {
    if (this.batchBytes === 0) return
    const { bytesWritten } = await this.fh.writev(this.batch, this.end)
    if (bytesWritten !== this.batchBytes) throw new Error(`short write to ${this.file}`)
    this.end += this.batchBytes
    this.batch = []
    this.batchBytes = 0
  }

  /** Every path's struct of `sample`, in path order. */
  async structsOf(sample: number): Promise<{ path: number; bytes: Uint8Array }[]> {
    const out: { path: number; bytes: Uint8Array }[] = []
    for (const [k, path] of this.paths.entries()) {
      const bytes = new Uint8Array(this.length[k * this.nSamples + sample]!)
      const { bytesRead } = await this.fh.read(
        bytes,
        0,
        bytes.length,
        this.at[k * this.nSamples + sample]!,
      )
      if (bytesRead !== bytes.length) throw new Error(`short read from ${this.file}`)
      out.push({ path, bytes })
    }
    return out
  }

  async close(): Promise<void> {
    await this.fh.close()
  }
}

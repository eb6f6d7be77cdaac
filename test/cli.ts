// Run the CLI in-process (through `main`), capturing what it writes to stdout and stderr.
import { vi } from 'vitest'
import { main } from '../src/cli/main.js'

export interface CliResult {
  code: number
  /** stdout as bytes (binary output such as CGF) */
  out: Buffer
  /** stdout as text */
  stdout: string
  err: string
}

export async function runCli(...args: string[]): Promise<CliResult> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const capture = (into: Buffer[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(Buffer.from(chunk))
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      cb?.()
      return true
    }) as typeof process.stdout.write
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out))
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err))
  try {
    const code = await main(['node', 'lightning-tiles', ...args])
    const bytes = Buffer.concat(out)
    return { code, out: bytes, stdout: bytes.toString(), err: Buffer.concat(err).toString() }
  } finally {
    o.mockRestore()
    e.mockRestore()
  }
}

// Running Java tools (Beagle, bref3) as child processes: their failures become one clear line
// (missing Java or tool, out of memory, the tool's own error message), an abort kills them.
import { spawn } from 'node:child_process'
import { accessSync, constants, createWriteStream } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { AbortOptions } from '../core/errors.js'
import { AbortError, LightningError } from '../core/errors.js'

/** An external tool that could not run or failed: the message is the one line to show. */
export class ToolError extends LightningError {
  override name = 'ToolError'
}

export interface ToolOptions extends AbortOptions {
  /** the tool's name in messages */
  what: string
  /** write the tool's stdout to this file (default: keep it for the error message) */
  stdoutTo?: string
  /** extra environment (e.g. JAVA_TOOL_OPTIONS=-Xmx4g) */
  env?: Record<string, string>
}

/** The one line that says why a Java tool failed, from its output. */
export function toolFailure(what: string, output: string, code: number | null): string {
  if (/java: not found|java: No such file|Unable to locate a Java Runtime/i.test(output))
    return `${what} needs Java, which is not installed (Debian: apt install default-jre-headless)`
  if (/OutOfMemoryError/.test(output))
    return `${what} ran out of memory: give Java more (--memory, e.g. 8g) or impute smaller chunks (--chunk)`
  if (/Unable to access jarfile/.test(output))
    return `${what} is installed incompletely: ${output.trim().split('\n')[0]}`
  // Beagle and bref3 print their own errors after the usage text, as `ERROR: ...`, as
  // `Error : ...` with a `Filename : ...` line, or as an uncaught exception
  const lines = output.split('\n').map((l) => l.trim())
  const at = lines.findIndex((l) => /^ERROR:|^Error\s*:/.test(l))
  if (at >= 0) {
    const what2 = lines[at]!.replace(/^ERROR:\s*|^Error\s*:\s*/, '')
    const file = /^Filename\s*:\s*(.*)/.exec(lines[at + 1] ?? '')
    return `${what} failed: ${what2}${file ? `: ${file[1]}` : ''}`
  }
  const exception = lines.find(
    (l) =>
      /Exception(?: in thread "\w+")? [\w.$]+(Exception|Error): /.test(l) ||
      /^[\w.$]+(Exception|Error): /.test(l),
  )
  if (exception) return `${what} failed: ${exception.replace(/^.*?(Exception|Error): /, '')}`
  const last = lines.filter((l) => l && !l.startsWith('at ')).slice(-1)[0]
  return `${what} failed (exit status ${code ?? 'killed'})${last ? `: ${last}` : ''}`
}

/** The message of a missing tool (Debian's beagle package has both beagle and bref3). */
const notInstalled = (command: string) =>
  `${command} is not installed (Debian: apt install beagle; it provides beagle and bref3)`

/** Fail early, before hours of work, when `command` is not on PATH. */
export function checkToolInstalled(command: string): void {
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
  if (!found) throw new ToolError(notInstalled(command))
}

/** Run `command args`; resolves when it exits 0, rejects with a ToolError otherwise. */
export async function runTool(command: string, args: string[], opts: ToolOptions): Promise<void> {
  if (opts.signal?.aborted) throw new AbortError()
  const out = opts.stdoutTo ? createWriteStream(opts.stdoutTo) : undefined
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env },
  })
  // the start (usage, first error) and the end (exception) are what matters
  let head = ''
  let tail = ''
  const keep = (chunk: Buffer) => {
    if (head.length < 1 << 16) head += chunk.toString()
    else tail = (tail + chunk.toString()).slice(-(1 << 16))
  }
  if (out) child.stdout.pipe(out)
  else child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const onAbort = () => child.kill('SIGTERM')
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new ToolError(notInstalled(command)) : err),
      )
      child.on('close', resolve)
    })
    if (out) await new Promise<void>((resolve) => out.end(resolve))
    if (opts.signal?.aborted) throw new AbortError()
    if (code !== 0) throw new ToolError(toolFailure(opts.what, `${head}\n${tail}`, code))
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    out?.destroy()
  }
}

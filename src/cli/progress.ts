import { SingleBar, Presets } from 'cli-progress'
import type { Progress, ProgressCallback } from '../core/progress.js'

/**
 * A progress bar on stderr that follows `onProgress` reports: one bar per phase. Silent when
 * stderr is not a terminal unless `force` (CI logs then get one line per phase).
 */
export interface ProgressBar {
  onProgress: ProgressCallback
  stop(): void
}

export function progressBar(opts: { force?: boolean } = {}): ProgressBar {
  const tty = process.stderr.isTTY === true || opts.force === true
  let bar: SingleBar | undefined
  let phase = ''
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  const onProgress = (p: Progress) => {
    if (p.phase !== phase) {
      stop()
      phase = p.phase
      if (!tty) {
        process.stderr.write(`${p.phase}\n`)
        return
      }
      bar = new SingleBar(
        {
          format: `{phase} [{bar}] {percentage}% | {value}/{total}`,
          stream: process.stderr,
          hideCursor: true,
        },
        Presets.shades_classic,
      )
      bar.start(Math.max(p.total, 1), p.done, { phase: p.phase })
    }
    if (bar) {
      if (p.total > 0) bar.setTotal(p.total)
      bar.update(p.done)
    }
  }
  return { onProgress, stop }
}

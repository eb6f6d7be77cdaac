// SIGINT and SIGTERM during a long command: the work is aborted (its writers remove their
// temporary files), one line says what was left, and the command exits 128 + the signal number
// (130, 143) as a shell does. Shared by build, add, compact, index, panel and impute.
import { constants } from 'node:os'
import { CommanderError } from 'commander'
import type { ProgressBar } from './progress.js'

/**
 * SIGINT and SIGTERM abort `signal`; a second signal exits at once (a later run removes what is
 * left).
 */
export function abortOnSignals(): {
  signal: AbortSignal
  received: () => NodeJS.Signals | undefined
  dispose: () => void
} {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    if (received) process.exit(128 + constants.signals[received])
    received = sig
    controller.abort()
  }
  const signals = ['SIGINT', 'SIGTERM'] as const
  for (const sig of signals) process.on(sig, onSignal)
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      for (const sig of signals) process.off(sig, onSignal)
    },
  }
}

/**
 * Run `work` with a progress bar and the signals aborting it. Interrupted: one line, `what`
 * interrupted by the signal and `left` (what the user finds), then exit 130/143.
 */
export async function interruptible<T>(
  what: string,
  left: string,
  work: (run: {
    signal: AbortSignal
    onProgress: ProgressBar['onProgress']
    bar: ProgressBar
  }) => Promise<T>,
): Promise<T> {
  const { progressBar } = await import('./progress.js')
  const bar = progressBar()
  const interrupt = abortOnSignals()
  try {
    return await work({ signal: interrupt.signal, onProgress: bar.onProgress, bar })
  } catch (err) {
    const sig = interrupt.received()
    if (sig === undefined) throw err
    bar.stop()
    process.stderr.write(`lightning-tiles: ${what} interrupted by ${sig}; ${left}\n`)
    throw new CommanderError(
      128 + constants.signals[sig],
      'lightning-tiles.interrupted',
      `interrupted by ${sig}`,
    )
  } finally {
    interrupt.dispose()
    bar.stop()
  }
}

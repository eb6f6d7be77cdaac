#!/usr/bin/env node
import { main } from '../dist/esm/cli/main.js'

// A failed write to stdout (EPIPE when the reader of `| head` has gone) rejects the write that
// main awaits, which ends the command (quietly, with status 0, for EPIPE). The stream also emits
// the error as an event; without a listener Node would print it with a stack trace.
process.stdout.on('error', () => undefined)

// The last line of defence: whatever escapes is still one line and a non-zero status.
const fail = (err) => {
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`lightning-tiles: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`)
  process.exit(1)
}
process.on('uncaughtException', fail)
process.on('unhandledRejection', fail)

main(process.argv).then((code) => {
  process.exitCode = code
}, fail)

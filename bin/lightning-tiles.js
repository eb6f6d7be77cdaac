#!/usr/bin/env node
import { main } from '../dist/esm/cli/main.js'

main(process.argv).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`lightning-tiles: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  },
)

// A worker thread of `build --threads`: one partial build (some paths) with the tags picked once,
// its progress posted to the main thread (parallel.ts).
import { parentPort, workerData } from 'node:worker_threads'
import { buildStore } from './build.js'
import type { BuildOptions } from './build.js'

const port = parentPort!
const controller = new AbortController()
port.on('message', (m: string) => {
  if (m === 'abort') controller.abort()
})
try {
  const r = await buildStore({
    ...(workerData as BuildOptions),
    signal: controller.signal,
    onProgress: (p) => port.postMessage({ progress: p }),
  })
  port.postMessage({ result: { ...r, manifest: undefined } })
} catch (err) {
  const e = err as Error
  port.postMessage({ error: { name: e.name, message: e.message } })
}

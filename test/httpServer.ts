// A static file server on 127.0.0.1 with single-range `Range` support (node:http), counting the
// body bytes it sends. Started and stopped by tests and benchmarks.
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

export interface StaticServer {
  url: string
  /** body bytes sent since start (or the last reset) */
  bytesSent: number
  requests: number
  /** answer the next request for `urlPath` (e.g. '/manifest.json') with `status` instead */
  failNext(urlPath: string, status?: number): void
  reset(): void
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
}

/** Serve `root` (and `extra` URL paths → files) until close(). */
export async function serveDirectory(
  root: string,
  extra: Record<string, string> = {},
): Promise<StaticServer> {
  const state = { bytesSent: 0, requests: 0 }
  const faults = new Map<string, number>()
  const server = createServer((req, res) => {
    state.requests++
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const fault = faults.get(urlPath)
    if (fault !== undefined) {
      faults.delete(urlPath)
      res.writeHead(fault).end()
      return
    }
    const file = extra[urlPath] ?? normalize(join(root, urlPath))
    if (!extra[urlPath] && !file.startsWith(normalize(root) + sep)) {
      res.writeHead(403).end()
      return
    }
    let size: number
    try {
      const st = statSync(file)
      if (!st.isFile()) throw new Error('not a file')
      size = st.size
    } catch {
      res.writeHead(404).end()
      return
    }
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'content-range, content-length',
      'cache-control': 'no-store',
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    let start = 0
    let end = size - 1
    let status = 200
    if (range) {
      start = Number(range[1])
      end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
      if (start >= size) {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${size}` }).end()
        return
      }
      status = 206
      headers['content-range'] = `bytes ${start}-${end}/${size}`
    }
    headers['content-length'] = end - start + 1
    res.writeHead(status, headers)
    if (req.method === 'HEAD' || end < start) {
      res.end()
      return
    }
    state.bytesSent += end - start + 1
    createReadStream(file, { start, end }).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get bytesSent() {
      return state.bytesSent
    },
    get requests() {
      return state.requests
    },
    failNext(urlPath: string, status = 500) {
      faults.set(urlPath, status)
    },
    reset() {
      state.bytesSent = 0
      state.requests = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}

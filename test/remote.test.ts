// openRemote against real sockets: every failure is a NetworkError that names the URL and what
// failed; the timeout covers a server that never answers (and one that stops mid-body); the
// caller's abort stays an AbortError.
import { createServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { NetworkError } from '../src/core/errors.js'
import { openRemote } from '../src/core/filehandle.js'

const servers: Server[] = []
afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections()
    s.close()
  }
})

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) =>
      e instanceof NetworkError ? `${e.failure}: ${e.message}` : `${(e as Error).name}`,
  )

describe('openRemote', () => {
  it('names refused connections, unknown hosts, TLS failures and HTTP statuses', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const plain = await serve((req, res) => {
      if (req.url === '/gone') res.writeHead(410).end()
      else res.writeHead(200).end('0123456789')
    })
    expect(await failure(openRemote(`http://127.0.0.1:${port}/f`).readFile())).toBe(
      `refused: http://127.0.0.1:${port}/f: connection refused`,
    )
    expect(await failure(openRemote('http://no-such-host.invalid/f').readFile())).toBe(
      'dns: http://no-such-host.invalid/f: host no-such-host.invalid not found (DNS lookup failed)',
    )
    expect(await failure(openRemote(`${plain.replace('http', 'https')}/f`).read(4, 0))).toMatch(
      /^tls: https:\/\/127\.0\.0\.1:\d+\/f: TLS failed: \S/,
    )
    expect(await failure(openRemote(`${plain}/gone`).read(4, 0))).toBe(
      `status: ${plain}/gone: HTTP 410 Gone`,
    )
    const e = await openRemote(`${plain}/gone`)
      .stat()
      .catch((err: unknown) => err)
    expect(e).toBeInstanceOf(NetworkError)
    expect((e as NetworkError).status).toBe(410)
    // a server that sends the whole file for a byte range is refused, not misread
    expect(await failure(openRemote(`${plain}/f`).read(4, 3))).toMatch(
      /^status: .*: the server ignores range requests/,
    )
  })

  it('gives up after the timeout: no answer, or an answer that stops half way', async () => {
    const silent = await serve(() => undefined)
    const stalls = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' })
      res.write('0123456789') // then nothing more
    })
    for (const url of [silent, stalls])
      expect(await failure(openRemote(`${url}/f`, { timeout: 300 }).readFile())).toBe(
        `timeout: ${url}/f: timed out after 0.3 s`,
      )
  })

  it("keeps the caller's abort an AbortError", async () => {
    const silent = await serve(() => undefined)
    const ac = new AbortController()
    const p = openRemote(`${silent}/f`, { timeout: 60_000 }).read(10, 0, { signal: ac.signal })
    setTimeout(() => ac.abort(), 50)
    expect(await failure(p)).toBe('AbortError')
  })
})

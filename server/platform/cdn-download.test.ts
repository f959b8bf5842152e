import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CdnDownloadError, cdnUrl, downloadCdn } from './cdn-download'

let server: Server
let base = ''
const MB = 1024 * 1024

beforeAll(async () => {
  server = createServer((req, res) => {
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size') ?? 0)
    if (req.url?.startsWith('/declared')) {
      res.writeHead(200, { 'content-length': String(size) })
      res.end(Buffer.alloc(size, 1))
    } else if (req.url?.startsWith('/chunked')) {
      // No content-length: the cap must hold while reading. 64 KB a chunk.
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      let left = size
      const more = () => {
        while (left > 0) {
          const n = Math.min(left, 64 * 1024)
          left -= n
          if (!res.write(Buffer.alloc(n, 2))) return void res.once('drain', more)
        }
        res.end()
      }
      more()
    } else if (req.url === '/stall-body') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      res.write(Buffer.alloc(10))
    } else if (req.url === '/stall') {
      // never answers
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

const opts = { maxBytes: MB, timeoutMs: 5000 }
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('downloaded')
    },
    (err: unknown) => {
      if (!(err instanceof CdnDownloadError)) throw err
      return err
    },
  )

test('reads the bytes at a loopback http URL (the local stack) up to the cap exactly', async () => {
  expect((await downloadCdn(`${base}/chunked?size=${MB}`, opts)).length).toBe(MB)
  expect(await downloadCdn(`${base}/declared?size=3`, opts)).toEqual(new Uint8Array([1, 1, 1]))
})

test('one byte over the cap is refused while reading, whether or not the answer says its length', async () => {
  expect(await refusal(downloadCdn(`${base}/chunked?size=${MB + 1}`, opts))).toMatchObject({ rule: 'is too large', tooLarge: {} })
  expect((await refusal(downloadCdn(`${base}/chunked?size=${50 * MB}`, opts))).tooLarge).toEqual({})
  expect((await refusal(downloadCdn(`${base}/declared?size=${MB + 1}`, opts))).tooLarge).toEqual({ bytes: MB + 1 })
})

test('an answer that does not come, or stops coming, is refused at the deadline', async () => {
  const quick = { maxBytes: MB, timeoutMs: 300 }
  const started = Date.now()
  expect((await refusal(downloadCdn(`${base}/stall`, quick))).rule).toBe('could not be downloaded within 0.3 s')
  expect((await refusal(downloadCdn(`${base}/stall-body`, quick))).rule).toBe('could not be downloaded within 0.3 s')
  expect(Date.now() - started).toBeLessThan(3000)
})

test('an error answer or an unreachable host is refused in words', async () => {
  expect((await refusal(downloadCdn(`${base}/missing`, opts))).rule).toBe('could not be downloaded (HTTP 404)')
  const closed = createServer()
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
  const port = (closed.address() as AddressInfo).port
  await new Promise((r) => closed.close(r))
  expect((await refusal(downloadCdn(`http://127.0.0.1:${port}/x`, opts))).rule).toMatch(/no answer/)
})

test('https anywhere; http only to the machine itself; anything else is not a CDN URL', () => {
  expect(cdnUrl('https://tmp.example.com/a.jpg').hostname).toBe('tmp.example.com')
  for (const ok of ['http://127.0.0.1:9602/x', 'http://localhost/x', 'http://[::1]:80/x', 'http://127.1.2.3/x'])
    expect(() => cdnUrl(ok)).not.toThrow()
  for (const bad of ['http://example.com/a.jpg', 'http://127.0.0.1.example.com/x', 'http://10.0.0.1/x', 'ftp://x/y', 'file:///etc/passwd'])
    expect(() => cdnUrl(bad)).toThrow('must be an https URL')
  expect(() => cdnUrl('not a url')).toThrow('must be a URL')
  expect(() => cdnUrl('https://u:p@example.com/')).toThrow('without a user name')
})

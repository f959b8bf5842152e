import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CdnDownloadError, cdnUrl, downloadCdn } from './cdn-download'

let server: Server
let base = ''
const port = () => (server.address() as AddressInfo).port
// The smallest PNG: 1×1, one transparent pixel.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
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
    } else if (req.url?.startsWith('/redirect')) {
      // `to` as the Location, after `after` ms (a slow hop), with `status` (302 unless given)
      const q = new URL(req.url, 'http://x').searchParams
      setTimeout(
        () => {
          res.writeHead(Number(q.get('status') ?? 302), q.has('to') ? { location: q.get('to')! } : {})
          res.end('moved')
        },
        Number(q.get('after') ?? 0),
      )
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
/** A URL of the test server that redirects to `to` (which may be another of these), with `extra` query. */
const redirect = (to: string, extra = '') => `${base}/redirect?to=${encodeURIComponent(to)}${extra}`
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

test('a redirect is followed to a URL the function may read, relative or absolute, for 3 hops at most', async () => {
  expect(await downloadCdn(redirect('/declared?size=3'), opts)).toEqual(new Uint8Array([1, 1, 1]))
  for (const status of [301, 303, 307, 308])
    expect(await downloadCdn(redirect(`${base}/declared?size=2`, `&status=${status}`), opts)).toEqual(new Uint8Array([1, 1]))
  const hops = (n: number) => Array.from({ length: n }).reduce<string>((to) => redirect(to), `${base}/chunked?size=${MB}`)
  expect((await downloadCdn(hops(3), opts)).length).toBe(MB)
  expect((await refusal(downloadCdn(hops(4), opts))).rule).toBe('was redirected more than 3 times')
  // The cap holds at the end of the hops.
  expect((await refusal(downloadCdn(redirect(`/chunked?size=${MB + 1}`), opts))).tooLarge).toEqual({})
})

test('a redirect to a URL the function may not read is refused before it is asked, saying where it went', async () => {
  // The address is never asked: fetch is asked for the first URL only (its own following would go on).
  const asked: string[] = []
  const recording = { ...opts, fetch: (url: string | URL | Request, init?: RequestInit) => (asked.push(String(url)), fetch(url, init)) }
  expect((await refusal(downloadCdn(redirect('http://10.255.255.1/face.png'), recording))).rule).toBe(
    'was redirected to http://10.255.255.1, not an https URL (http is read only from this machine)',
  )
  expect(asked).toEqual([redirect('http://10.255.255.1/face.png')])
  expect((await refusal(downloadCdn(redirect('http://example.com:8080/face.png'), opts))).rule).toBe(
    'was redirected to http://example.com:8080, not an https URL (http is read only from this machine)',
  )
  expect((await refusal(downloadCdn(redirect('file:///etc/passwd'), opts))).rule).toBe(
    'was redirected to file:, not an https URL (http is read only from this machine)',
  )
  expect((await refusal(downloadCdn(redirect(`data:image/png;base64,${PNG_BASE64}`), opts))).rule).toBe(
    'was redirected to data:, not an https URL (http is read only from this machine)',
  )
  expect((await refusal(downloadCdn(redirect('ftp://127.0.0.1/face.png'), opts))).rule).toBe(
    'was redirected to ftp://127.0.0.1, not an https URL (http is read only from this machine)',
  )
  expect((await refusal(downloadCdn(redirect(`http://u:p@127.0.0.1:${port()}/declared?size=3`), opts))).rule).toBe(
    'was redirected to a URL with a user name or password',
  )
  expect((await refusal(downloadCdn(redirect('http://[::1'), opts))).rule).toBe('was redirected to an address that is not a URL')
  // After an allowed hop, the next is checked too.
  expect((await refusal(downloadCdn(redirect(redirect('http://10.255.255.1/face.png')), opts))).rule).toBe(
    'was redirected to http://10.255.255.1, not an https URL (http is read only from this machine)',
  )
  // A redirect without a Location is an answer like any other 3xx: not the picture.
  expect((await refusal(downloadCdn(`${base}/redirect?status=302`, opts))).rule).toBe('could not be downloaded (HTTP 302)')
})

test('a redirect from another host to the machine itself is refused, http or https', async () => {
  // A public https URL (here answered by a stand-in for the network) that sends the function home.
  const asked: string[] = []
  const network = (to: string) => ({
    ...opts,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      asked.push(String(url))
      return String(url).startsWith('https://cdn.example/')
        ? new Response(null, { status: 302, headers: { location: to } })
        : fetch(url, init)
    },
  })
  expect((await refusal(downloadCdn('https://cdn.example/face.png', network(`${base}/declared?size=3`)))).rule).toBe(
    `was redirected from https://cdn.example to http://127.0.0.1:${port()}, this machine itself`,
  )
  expect((await refusal(downloadCdn('https://cdn.example/face.png', network('https://localhost/face.png')))).rule).toBe(
    'was redirected from https://cdn.example to https://localhost, this machine itself',
  )
  expect(asked).toEqual(['https://cdn.example/face.png', 'https://cdn.example/face.png'])
  // From the machine itself to itself (the local stack's CDN) is fine.
  expect(await downloadCdn(redirect(`http://127.0.0.1:${port()}/declared?size=3`), opts)).toEqual(new Uint8Array([1, 1, 1]))
})

test('the deadline covers every hop together, not each one', async () => {
  // Three hops of 200 ms each: each within 0.5 s, all three not.
  const slow = (to: string) => redirect(to, '&after=200')
  const quick = { maxBytes: MB, timeoutMs: 500 }
  expect((await refusal(downloadCdn(slow(slow(slow('/declared?size=3'))), quick))).rule).toBe('could not be downloaded within 0.5 s')
  expect((await refusal(downloadCdn(redirect('/stall'), quick))).rule).toBe('could not be downloaded within 0.5 s')
})

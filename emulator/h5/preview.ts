// The H5 preview (local-stack.md "H5 preview"): serves dist/h5 with a person switcher, and bridges the
// app's cloud calls to the local cloud as the chosen person.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { close, HttpError, listen, readBody, readBytes, send, sendJson, serve } from '../http'
import { CALL_FUNCTION_MAX_BYTES, MINIPROGRAM_CLIENT, MINIPROGRAM_HEADER } from '../cloud/event-limits'
import { TEMP_CDN_MAX_BYTES } from '../cloud/temp-cdn'

export interface PreviewPerson {
  name: string
  mpOpenid: string
  unionid?: string
}

export interface PreviewOptions {
  port: number
  h5Dir: string
  cloudUrl: string
  /** the WeChat emulator, which plays WeChat's client side (addCard, openCard, requestPayment) */
  wechatUrl: string
  /** The demo people, in switcher order; the first is the default. */
  people: () => PreviewPerson[]
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
}

const SWITCHER = readFileSync(join(__dirname, 'switcher.js'), 'utf8')

export async function startPreview(opts: PreviewOptions) {
  const index = () => {
    const file = join(opts.h5Dir, 'index.html')
    if (!existsSync(file)) throw new HttpError(503, 'dist/h5 is not built: run npm run build:h5')
    return readFileSync(file, 'utf8').replace('</body>', '<script src="/__preview/switcher.js"></script></body>')
  }
  const personOf = (wanted: string | string[] | undefined): PreviewPerson => {
    const people = opts.people()
    const person = typeof wanted === 'string' && wanted ? people.find((p) => p.name === wanted) : people[0]
    if (!person) throw new HttpError(400, `unknown preview person ${String(wanted)}`)
    return person
  }
  const server = serve(
    [
      { method: 'GET', pattern: /^\/__preview\/switcher\.js$/, handler: (_q, res) => send(res, 200, SWITCHER, TYPES['.js']) },
      {
        method: 'GET',
        pattern: /^\/__preview\/users$/,
        handler: (_q, res) => sendJson(res, 200, { users: opts.people().map((p) => ({ name: p.name, mpOpenid: p.mpOpenid })) }),
      },
      {
        method: 'POST',
        pattern: /^\/__preview\/wx\/(addCard|openCard|requestPayment)$/,
        handler: async (req, res, _url, [api]) => {
          const person = personOf(req.headers['x-preview-user'])
          const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>
          const upstream = await fetch(`${opts.wechatUrl}/__emu/client/${api}`, {
            method: 'POST',
            body: JSON.stringify({ ...body, user: person.name }),
          })
          send(res, upstream.status, await upstream.text(), 'application/json; charset=utf-8')
        },
      },
      {
        method: 'POST',
        pattern: /^\/__preview\/fn\/([a-z][a-z0-9_-]*)$/i,
        handler: async (req, res, _url, [name]) => {
          const person = personOf(req.headers['x-preview-user'])
          // A Mini Program call: the local cloud holds it to the Mini Program's 100 KB (event-limits.ts),
          // so the body is read up to the cloud's own limit and the cloud answers in the product's words.
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            'x-wx-openid': person.mpOpenid,
            [MINIPROGRAM_HEADER]: MINIPROGRAM_CLIENT,
          }
          if (person.unionid) headers['x-wx-unionid'] = person.unionid
          const body = await readBody(req, CALL_FUNCTION_MAX_BYTES)
          const upstream = await fetch(`${opts.cloudUrl}/fn/${name}`, { method: 'POST', headers, body })
          send(res, upstream.status, await upstream.text(), 'application/json; charset=utf-8')
        },
      },
      {
        // wx.cloud.CDN: the bridge puts a marked field's content on the local cloud's temporary CDN.
        method: 'POST',
        pattern: /^\/__preview\/cdn$/,
        handler: async (req, res) => {
          const body = await readBytes(req, TEMP_CDN_MAX_BYTES)
          const upstream = await fetch(`${opts.cloudUrl}/__cloud/cdn`, { method: 'POST', body: new Uint8Array(body) })
          send(res, upstream.status, await upstream.text(), 'application/json; charset=utf-8')
        },
      },
    ],
    (req, res, url) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' })
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '')
      const file = join(opts.h5Dir, rel)
      if (rel === '/' || !file.startsWith(opts.h5Dir) || !existsSync(file) || !statSync(file).isFile()) {
        return send(res, 200, index(), TYPES['.html'])
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      createReadStream(file).pipe(res)
    },
  )
  const port = await listen(server, opts.port)
  return { url: `http://127.0.0.1:${port}`, port, stop: () => close(server) }
}

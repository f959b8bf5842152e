// The demo card faces on the emulated WeChat image CDN (mmbiz.qpic.cn's stand-in) that ship with the
// project (emulator/assets/faces/, drawn by scripts/make-art.ts): `GET /mmbiz_jpg/<name>/0` serves
// <name>.jpg, so a face URL has the shape of a real one and loads in the browser, the H5 preview and
// the emulated card bag alike. Self-contained: one route added to the emulator's list.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { send, type Route } from '../http'

const FACES_DIR = join(__dirname, '..', 'assets', 'faces')

/** The demo faces' names, in the order the demo shelf offers them. */
export const DEMO_FACES = ['demo-face-red', 'demo-face-gold', 'demo-face-blue'] as const

/** The CDN URL of a demo face on the emulator at `base`. */
export const demoFaceUrl = (base: string, name: string) => `${base}/mmbiz_jpg/${name}/0`

export const demoFacesRoute: Route = {
  method: 'GET',
  pattern: /^\/mmbiz_jpg\/([a-z0-9-]{1,64})\/0$/,
  handler: (_req, res, _url, [name]) => {
    const file = join(FACES_DIR, `${name}.jpg`)
    if (!existsSync(file)) return send(res, 404, 'not found', 'text/plain; charset=utf-8')
    const body = readFileSync(file)
    res.writeHead(200, {
      'content-type': 'image/jpeg',
      'content-length': body.length,
      'cache-control': 'public, max-age=86400',
      'access-control-allow-origin': '*',
    })
    res.end(body)
  },
}

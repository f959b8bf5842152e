// An in-memory WeChat emulator on a free port, plus a push receiver standing in for the merchant's
// server (its replies are programmable), for tests of the emulator itself.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startWechatEmulator, type WechatEmulator, type WechatEmulatorOptions } from '../../emulator/wechat/emulator'
import { stackEnv } from './cloud'

export interface Receiver {
  url: string
  bodies: string[]
  /** the reply to give, by event name; default: the right acknowledgement */
  reply: (xml: string) => { status: number; body: string } | 'hang'
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = {
    url: '',
    bodies: [],
    reply: (xml) => ({ status: 200, body: xml.includes('giftcard_') ? '<xml>ok</xml>' : 'success' }),
    close: async () => undefined,
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      r.bodies.push(body)
      const out = r.reply(body)
      if (out === 'hang') return
      res.writeHead(out.status)
      res.end(out.body)
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`
  r.close = () =>
    new Promise((ok) => {
      server.closeAllConnections()
      server.close(() => ok())
    })
  return r
}

export async function startEmu(push: Receiver, o: Partial<WechatEmulatorOptions> = {}): Promise<WechatEmulator> {
  const emu = await startWechatEmulator({
    port: 0,
    dataDir: null,
    saAppid: stackEnv.WX_SA_APPID!,
    saSecret: stackEnv.WX_SA_SECRET!,
    mpAppid: stackEnv.WX_MP_APPID!,
    ghId: 'gh_test',
    reviewSeconds: 0,
    quotas: { token: 2000, ticket: 100 },
    cardExtWindowSeconds: 300,
    ...o,
    push: {
      url: push.url,
      token: 'tok',
      aesKey: stackEnv.WX_PUSH_AES_KEY!,
      mode: 'plain',
      timeoutMs: 500,
      ordinaryRetries: 3,
      giftcardAttempts: 30,
      giftcardIntervalMs: 20,
      ...o.push,
    },
  })
  for (const n of ['alice', 'bob', 'carol']) emu.users.ensure(n)
  return emu
}

export async function http(
  emu: WechatEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

/** Raw API call with a token, as any HTTP client would make it. */
export async function api(emu: WechatEmulator, path: string, body: unknown, token: string): Promise<Record<string, unknown>> {
  return (await http(emu, 'POST', `/${path}?access_token=${encodeURIComponent(token)}`, body)).json
}

export async function token(emu: WechatEmulator): Promise<string> {
  const r = await http(
    emu,
    'GET',
    `/cgi-bin/token?grant_type=client_credential&appid=${stackEnv.WX_SA_APPID}&secret=${stackEnv.WX_SA_SECRET}`,
  )
  return r.json.access_token as string
}

export async function ticket(emu: WechatEmulator, tok: string): Promise<string> {
  return (await http(emu, 'GET', `/cgi-bin/ticket/getticket?type=wx_card&access_token=${tok}`)).json.ticket as string
}

/** card_ext signed as the guide says, written here independently of the product's signer. */
export function signExt(
  apiTicket: string,
  cardId: string,
  o: { code?: string; openid?: string; timestamp?: number; nonce?: string } = {},
): string {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000))
  const nonce = o.nonce ?? Math.random().toString(36).slice(2)
  const parts = [apiTicket, timestamp, cardId, o.code, o.openid, nonce].filter((x): x is string => !!x).sort()
  const signature = createHash('sha1').update(parts.join('')).digest('hex')
  return JSON.stringify({
    ...(o.code ? { code: o.code } : {}),
    ...(o.openid ? { openid: o.openid } : {}),
    timestamp,
    nonce_str: nonce,
    signature,
  })
}

export async function until(probe: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now()
  while (!(await probe())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A fresh push receiver and emulator for each test of the calling file, with a token. */
export function emulatorPerTest(o: Partial<WechatEmulatorOptions> = {}): {
  emu: () => WechatEmulator
  rx: () => Receiver
  token: () => string
  refreshToken: () => Promise<string>
} {
  let rx: Receiver
  let emu: WechatEmulator
  let tok = ''
  beforeEach(async () => {
    rx = await startReceiver()
    emu = await startEmu(rx, o)
    tok = await token(emu)
  })
  afterEach(async () => {
    await emu.stop()
    await rx.close()
  })
  return { emu: () => emu, rx: () => rx, token: () => tok, refreshToken: async () => (tok = await token(emu)) }
}

// The WeChat platform emulator (local-stack.md "WeChat platform emulator"): api.weixin.qq.com for every
// endpoint the product calls, the client side of WeChat under /__emu/client, the hosted gift-card
// shelf, control endpoints, and event pushes to the Service Account's server URL.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { close, HttpError, listen, readJson, sendJson, serve, type Handler, type Route } from '../http'
import { handleApi, type Endpoint } from './api'
import { demoFacesRoute } from './demo-faces'
import { basicsApi } from './api-basics'
import { cardApi } from './api-card'
import { codeApi } from './api-code'
import { giftCardApi } from './api-giftcard'
import { mediaApi } from './api-media'
import { cardPayApi, datacubeApi, invoiceApi, payRecharge } from './api-more'
import { memberCardApi, payGiftCardApi, payWithWechatPay, submitMemberForm } from './api-member'
import { Cdn, CDN_PATH } from './cdn'
import {
  acceptGift,
  addCard,
  scanCardQr,
  authorizeInvoice,
  bag,
  ClientError,
  cloudPayQueryOrder,
  deleteCard,
  gift,
  giftcardAccept,
  giftcardBuy,
  giftcardCellJump,
  openCard,
  cardJump,
  requestPayment,
  unifiedOrder,
} from './client'
import { identityOf, USER_NAME } from './identity'
import { RETIRED_PRESET, retiredApisFrom } from './retired'
import { Platform, type Fault, type PlatformOptions } from './platform'
import { cloudPayQueryRefund, cloudPayRefund, REFUND_FAULT_PATH, refundFault, refundsOf, settleDueRefunds } from './cloud-pay-refunds'
import type { EmuUser } from './state'
import { StateStore } from './state-store'

export interface WechatEmulatorOptions extends Omit<PlatformOptions, 'push'> {
  port: number
  dataDir: string | null
  push: Omit<PlatformOptions['push'], 'url'> & { url?: string }
  /** Added to every API call, ms (WXEMU_LATENCY_MS): api.weixin.qq.com is a network away in production. */
  latencyMs?: number
}

export interface CloudConnection {
  /** where pushes go, unless PUSH_URL named another */
  pushUrl: string
  /** invokes a cloud function (Cloud Pay's payment callback) */
  callFunction: (name: string, event: Record<string, unknown>) => Promise<unknown>
}

export class Users {
  constructor(private readonly p: Platform) {}

  ensure(name: string): EmuUser {
    if (typeof name !== 'string' || !USER_NAME.test(name)) {
      throw new HttpError(400, 'name must be 1-32 characters: a lowercase letter, then letters, digits, _ or -')
    }
    let user = this.p.s.users[name]
    if (!user) {
      user = identityOf(name, this.p.o)
      this.p.s.users[name] = user
      this.p.touch()
    }
    return user
  }

  get(name: string): EmuUser | undefined {
    return this.p.s.users[name]
  }

  all(): EmuUser[] {
    return Object.values(this.p.s.users)
  }
}

export interface WechatEmulator {
  url: string
  port: number
  users: Users
  platform: Platform
  connectCloud(c: CloudConnection): void
  cloudPay: {
    unifiedOrder(req: Record<string, unknown>, caller: { openid?: string; fn: string }): Promise<Record<string, unknown>>
    refund(req: Record<string, unknown>): Promise<Record<string, unknown>>
    queryOrder(req: Record<string, unknown>): Promise<Record<string, unknown>>
    queryRefund(req: Record<string, unknown>): Promise<Record<string, unknown>>
  }
  stop(): Promise<void>
}

const ENDPOINTS: Record<string, Endpoint> = {
  ...basicsApi,
  ...mediaApi,
  ...cardApi,
  ...codeApi,
  ...giftCardApi,
  ...invoiceApi,
  ...payGiftCardApi,
  ...cardPayApi,
  ...datacubeApi,
  ...memberCardApi,
}

export function emulatedPaths(): string[] {
  return Object.keys(ENDPOINTS)
}

/** The HTTP method of each emulated API path. */
export function emulatedMethods(): Record<string, 'GET' | 'POST'> {
  return Object.fromEntries(Object.entries(ENDPOINTS).map(([path, ep]) => [path, ep.method]))
}

export async function startWechatEmulator(opts: WechatEmulatorOptions): Promise<WechatEmulator> {
  // One SQLite file (state-store.ts); a data directory from before it had state.json, moved in on first start.
  const file = StateStore.open(
    opts.dataDir ? join(opts.dataDir, 'wxemu', 'state.sqlite') : null,
    opts.dataDir ? join(opts.dataDir, 'wxemu', 'state.json') : undefined,
  )
  const p = new Platform(file, { ...opts, push: { ...opts.push, url: opts.push.url ?? '' } })
  p.cdn = new Cdn(opts.dataDir ? join(opts.dataDir, 'wxemu', 'cdn') : null)
  const users = new Users(p)
  let cloud: CloudConnection | undefined

  const client = (fn: (b: Record<string, unknown>) => unknown) => async (req: IncomingMessage, res: ServerResponse) => {
    try {
      sendJson(res, 200, await fn(await readJson(req)))
    } catch (err) {
      if (err instanceof ClientError) return sendJson(res, 400, { errMsg: err.errMsg, ...(err.errcode ? { errcode: err.errcode } : {}) })
      if (err instanceof HttpError) throw err
      const wx = err as { errcode?: number; errmsg?: string }
      if (typeof wx.errcode === 'number') return sendJson(res, 400, { errMsg: wx.errmsg, errcode: wx.errcode })
      throw err
    }
  }

  const routes: Route[] = [
    demoFacesRoute,
    {
      method: 'POST',
      pattern: /^\/__emu\/users$/,
      handler: async (req, res) => sendJson(res, 200, users.ensure((await readJson(req)).name as string)),
    },
    { method: 'GET', pattern: /^\/__emu\/users$/, handler: (_q, res) => sendJson(res, 200, { users: users.all() }) },
    { method: 'GET', pattern: /^\/__emu\/bag\/([^/]+)$/, handler: (_q, res, _u, [name]) => client(() => bag(p, name!))(_q, res) },
    { method: 'POST', pattern: /^\/__emu\/client\/addCard$/, handler: client((b) => addCard(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/client\/openCard$/, handler: client((b) => openCard(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/client\/cardJump$/, handler: client((b) => cardJump(p, b)) },
    // #14: a person scans a card QR code into their bag; the merchant pays a coin recharge's QR code.
    { method: 'POST', pattern: /^\/__emu\/client\/scanCardQr$/, handler: client((b) => scanCardQr(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/coins\/pay$/, handler: client((b) => payRecharge(p, String(b.orderId ?? ''))) },
    { method: 'POST', pattern: /^\/__emu\/client\/gift$/, handler: client((b) => gift(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/client\/acceptGift$/, handler: client((b) => acceptGift(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/client\/deleteCard$/, handler: client((b) => deleteCard(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/client\/authorizeInvoice$/, handler: client((b) => authorizeInvoice(p, b)) },
    // Member cards (#13): a WeChat Pay payment (pay-then-member rules) and the one-click activation form.
    {
      method: 'POST',
      pattern: /^\/__emu\/client\/wxpay$/,
      handler: client((b) => payWithWechatPay(p, p.userByName(String(b.user ?? '')), String(b.mchid ?? ''), Number(b.fee))),
    },
    {
      method: 'POST',
      pattern: /^\/__emu\/client\/memberForm$/,
      handler: client((b) =>
        submitMemberForm(
          p,
          p.userByName(String(b.user ?? '')),
          String(b.cardId ?? ''),
          String(b.code ?? ''),
          (b.fields ?? {}) as Record<string, string>,
        ),
      ),
    },
    {
      method: 'POST',
      pattern: /^\/__emu\/client\/requestPayment$/,
      handler: client((b) => {
        if (!cloud) throw new ClientError('requestPayment:fail no local cloud is connected to receive the payment callback')
        return requestPayment(p, b, cloud.callFunction)
      }),
    },
    { method: 'POST', pattern: /^\/__emu\/giftcard\/buy$/, handler: client((b) => giftcardBuy(p, b)) },
    { method: 'POST', pattern: /^\/__emu\/giftcard\/accept$/, handler: client((b) => giftcardAccept(p, b)) },
    // The buyer taps a shelf cell (refund, invoice) on the order page: the URL WeChat opens (§14.2).
    { method: 'POST', pattern: /^\/__emu\/giftcard\/cell$/, handler: client((b) => giftcardCellJump(p, b)) },
    {
      method: 'GET',
      pattern: CDN_PATH,
      handler: (_q, res, _u, [hash, ext]) => {
        const bytes = p.cdn.get(`${hash}.${ext}`)
        if (!bytes) throw new HttpError(404, 'no such picture on the emulated CDN')
        res.writeHead(200, {
          'content-type': ext === 'png' ? 'image/png' : 'image/jpeg',
          'content-length': bytes.length,
          'cache-control': 'public, max-age=31536000',
        })
        res.end(bytes)
      },
    },
    // WeChat drops its live wx_card tickets early: card_ext signed with them is refused until a new one is fetched.
    { method: 'POST', pattern: /^\/__emu\/tickets\/drop$/, handler: (_q, res) => sendJson(res, 200, { dropped: p.dropTickets() }) },
    {
      // WeChat's reviewer refuses a card under review: it pushes card_not_pass_check with the reason.
      method: 'POST',
      pattern: /^\/__emu\/review\/reject$/,
      handler: async (req, res) => {
        const b = await readJson(req)
        if (typeof b.cardId !== 'string' || typeof b.reason !== 'string' || b.reason === '')
          throw new HttpError(400, 'cardId and reason (the RefuseReason pushed) are required')
        try {
          p.rejectReview(b.cardId, b.reason)
        } catch (err) {
          throw new HttpError(409, (err as Error).message)
        }
        sendJson(res, 200, { cardId: b.cardId, status: p.s.cards[b.cardId]!.status })
      },
    },
    {
      method: 'POST',
      pattern: /^\/__emu\/retired$/,
      handler: async (req, res) => {
        const apis = (await readJson(req)).apis
        if (
          !Array.isArray(apis) ||
          !apis.every((a) => typeof a === 'string' && (ENDPOINTS[a] || a === RETIRED_PRESET || /^card\/create:[A-Z_]+$/.test(a)))
        ) {
          throw new HttpError(400, `apis must list emulated API paths (card/pay/activate), card/create:<card_type> or ${RETIRED_PRESET}`)
        }
        p.retired = new Set(retiredApisFrom((apis as string[]).join(',')))
        sendJson(res, 200, { apis: [...p.retired] })
      },
    },
    {
      // Merchant numbers whose subject (主体) differs from the Service Account's: pay-then-member rules
      // answer 72001 for them (member-card-management line 315).
      method: 'POST',
      pattern: /^\/__emu\/mchids\/foreign$/,
      handler: async (req, res) => {
        const mchids = (await readJson(req)).mchids
        if (!Array.isArray(mchids) || !mchids.every((m) => typeof m === 'string' && /^\d+$/.test(m)))
          throw new HttpError(400, 'mchids must list merchant numbers')
        p.foreignMchids = new Set(mchids as string[])
        sendJson(res, 200, { mchids: [...p.foreignMchids] })
      },
    },
    { method: 'GET', pattern: /^\/__emu\/retired$/, handler: (_q, res) => sendJson(res, 200, { apis: [...p.retired] }) },
    {
      method: 'GET',
      pattern: /^\/__emu\/pushes$/,
      handler: (_q, res, url) => {
        const status = url.searchParams.get('status')
        const pushes = p.s.pushes.filter((x) => !status || x.status === status)
        sendJson(res, 200, {
          pushes: pushes.map((x) => ({
            id: x.id,
            event: x.event,
            status: x.status,
            attempts: x.attempts.length,
            lastReply: x.attempts.at(-1)?.reply ?? null,
            log: x.attempts,
            xml: x.xml,
          })),
        })
      },
    },
    {
      method: 'GET',
      pattern: /^\/__emu\/payments$/,
      // Cloud Pay as the merchant's WeChat Pay account sees it: every order with what was paid and refunded.
      handler: (_q, res) =>
        sendJson(res, 200, {
          payments: Object.values(p.s.prepay).map((o) => ({
            outTradeNo: o.outTradeNo,
            totalFee: o.totalFee,
            paid: o.paid,
            transactionId: o.transactionId ?? null,
            // refunded: fen WeChat Pay reports refunded (SUCCESS); refunds: each refund number's fee and refund_status
            ...refundsOf(o),
          })),
        }),
    },
    { method: 'GET', pattern: /^\/__emu\/stats$/, handler: (_q, res) => sendJson(res, 200, p.stats) },
    {
      method: 'POST',
      pattern: /^\/__emu\/clock$/,
      handler: async (req, res) => {
        const secs = (await readJson(req)).advanceSeconds
        if (typeof secs !== 'number' || !Number.isInteger(secs) || secs < 0)
          throw new HttpError(400, 'advanceSeconds must be a non-negative integer')
        p.advance(secs)
        sendJson(res, 200, { now: p.now(), offset: p.s.clockOffset })
      },
    },
    { method: 'GET', pattern: /^\/__emu\/clock$/, handler: (_q, res) => sendJson(res, 200, { now: p.now(), offset: p.s.clockOffset }) },
    {
      method: 'POST',
      pattern: /^\/__emu\/faults$/,
      handler: async (req, res) => {
        const b = await readJson(req)
        const path = typeof b.path === 'string' ? b.path.replace(/^\/+/, '') : ''
        const isPush = path === 'push' || path.startsWith('push:')
        const isRefund = path === REFUND_FAULT_PATH
        if (!ENDPOINTS[path] && !isPush && !isRefund)
          throw new HttpError(
            400,
            `path must be an emulated API path such as card/code/get, push / push:<event>, or ${REFUND_FAULT_PATH}; got ${String(b.path)}`,
          )
        const times = b.times === undefined ? 1 : b.times
        if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) throw new HttpError(400, 'times must be a positive integer')
        const f: Fault = { path, times }
        if (b.errcode !== undefined) {
          if (typeof b.errcode !== 'number' || !Number.isInteger(b.errcode)) throw new HttpError(400, 'errcode must be an integer')
          f.errcode = b.errcode
        }
        if (b.delayMs !== undefined) {
          if (typeof b.delayMs !== 'number' || b.delayMs < 0 || b.delayMs > 120000) throw new HttpError(400, 'delayMs must be 0 to 120000')
          f.delayMs = b.delayMs
        }
        if (b.dropReply !== undefined) f.dropReply = b.dropReply === true
        const refundProblem = isRefund ? refundFault(b, f) : undefined
        if (refundProblem) throw new HttpError(400, refundProblem)
        if (isPush) f.dropReply = true
        else if (!isRefund && f.errcode === undefined && f.delayMs === undefined && !f.dropReply)
          throw new HttpError(400, 'a fault needs errcode, delayMs or dropReply')
        p.faults.push(f)
        sendJson(res, 200, { faults: p.faults })
      },
    },
    {
      method: 'GET',
      pattern: /^\/__emu\/faults$/,
      handler: (_q, res) => sendJson(res, 200, { faults: p.faults.filter((f) => f.times > 0) }),
    },
    {
      method: 'DELETE',
      pattern: /^\/__emu\/faults$/,
      handler: (_q, res) => {
        p.faults = []
        sendJson(res, 200, { faults: [] })
      },
    },
  ]
  const latency = opts.latencyMs ?? 0
  const delay = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())
  // Every reply leaves after the state it reports is on disk, so a reply the caller saw survives a kill -9.
  const durable =
    (h: Handler): Handler =>
    (req, res, url, params) => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
      res.end = ((...args: unknown[]) => {
        file.flush()
        return end(...args)
      }) as ServerResponse['end']
      return h(req, res, url, params)
    }
  const server = serve(
    routes.map((r) => ({ ...r, handler: durable(r.handler) })),
    durable(async (req, res, url) => {
      await delay(latency)
      return handleApi(p, ENDPOINTS, req, res, url)
    }),
  )
  // A refund's result goes to its callback function after the reply that accepted it, until answered errcode 0 (a few quick attempts here).
  const notifyRefund = (functionName: string, event: Record<string, unknown>) => {
    setImmediate(async () => {
      for (let i = 0; i < 3; i++) {
        const reply = await cloud?.callFunction(functionName, event).catch(() => undefined)
        if ((reply as { errcode?: number } | undefined)?.errcode === 0 || !cloud) return
      }
    })
  }
  p.settleRefunds = () => settleDueRefunds(p, notifyRefund)
  const port = await listen(server, opts.port)
  p.cdn.baseUrl = `http://127.0.0.1:${port}`
  p.start()
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    users,
    platform: p,
    connectCloud(c) {
      cloud = c
      if (!opts.push.url) p.o.push.url = c.pushUrl
    },
    // Cloud Pay is WeChat Pay's API: the same WXEMU_LATENCY_MS round trip as every other API call.
    cloudPay: {
      unifiedOrder: async (req, caller) => (await delay(latency), unifiedOrder(p, req, caller)),
      refund: async (req) => (await delay(latency), cloudPayRefund(p, req, notifyRefund)),
      queryOrder: async (req) => (await delay(latency), cloudPayQueryOrder(p, req)),
      queryRefund: async (req) => (await delay(latency), cloudPayQueryRefund(p, req, notifyRefund)),
    },
    async stop() {
      p.stop()
      await close(server)
      file.close()
    },
  }
}

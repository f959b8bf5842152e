// The emulated card platform's core: clock, credentials and quotas, codes, scheduled work (reviews,
// 24-hour gift and order timeouts), faults, statistics and event pushes. API families (api-*.ts) and
// the client side (client.ts) act on it.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { Cdn } from './cdn'
import { sha1Sorted, wxDecrypt, wxEncrypt } from './crypto'
import type { CubeCounter, EmuCode, EmuPush, EmuState, EmuUser } from './state'
import { StateIndex } from './state-index'
import type { StateStore } from './state-store'

/** An error as WeChat's API returns it. */
export class WxError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(errmsg)
  }
}

export interface PushSettings {
  url: string
  token: string
  aesKey: string
  mode: 'plain' | 'compat' | 'safe'
  /** ordinary events: the reply deadline (WeChat: 5 s) */
  timeoutMs: number
  /** ordinary events: retries after the first attempt (WeChat: 3) */
  ordinaryRetries: number
  /** gift-card events: attempts within giftcardWindowMs (WeChat: 30 in 24 h) */
  giftcardAttempts: number
  giftcardIntervalMs: number
}

export interface PlatformOptions {
  saAppid: string
  saSecret: string
  mpAppid: string
  /** the Service Account's original id, ToUserName of every push */
  ghId: string
  push: PushSettings
  /** seconds a new card waits for review (0: passes at once) */
  reviewSeconds: number
  quotas: { token: number; ticket: number }
  /** seconds either side of now a cardExt timestamp may be */
  cardExtWindowSeconds: number
  /** WXEMU_LATENCY_MS: delay of every API call, as a round trip to WeChat takes (benchmarks) */
  latencyMs?: number
  /**
   * APIs WeChat has retired, answered with errcode 45103 "This API has been unsupported": an API path
   * (card/pay/activate), or card/create:<card_type> for a card type that can no longer be created
   * (since 2021 new ordinary coupons cannot be).
   */
  retiredApis?: string[]
  /** WXEMU_REFUND_DELAY_S: emulated seconds a Cloud Pay refund stays PROCESSING before it settles (default 0) */
  refundDelaySeconds?: number
}

export interface Fault {
  path: string
  errcode?: number
  delayMs?: number
  dropReply?: boolean
  times: number
  /** path cloudPay.refund (cloud-pay-refunds.ts): how the next refund settles, after how long, and whether its result is delivered */
  refundStatus?: 'SUCCESS' | 'REFUNDCLOSE' | 'CHANGE'
  settleAfterS?: number
  notify?: boolean
}

export const TOKEN_TTL = 7200
/** After a new token is fetched, the previous one keeps working this long (WeChat: 5 minutes). */
export const TOKEN_OVERLAP = 300
/** stable_token in normal mode answers a new token once the live one has this little left (s), the old one working to its end. */
export const STABLE_RENEW_AHEAD = 300
/** stable_token force_refresh: 20 a day, and one within 30 s of the last does not refresh. */
export const STABLE_FORCE_PER_DAY = 20
export const STABLE_FORCE_GAP = 30
export const GIFT_TIMEOUT_SECONDS = 24 * 3600
export const MARK_SECONDS = 300

const codeKey = (cardId: string, code: string) => `${cardId}|${code}`

export class Platform {
  /** the emulated image CDN behind cgi-bin/media/uploadimg */
  cdn: Cdn = new Cdn(null)
  retired: Set<string>
  /** WeChat Pay merchant numbers of another subject (主体) than the Service Account: 72001 in pay-then-member rules */
  foreignMchids = new Set<string>()
  readonly stats = { calls: {} as Record<string, number>, tokenFetches: 0, tokensIssued: 0, ticketFetches: 0 }
  faults: Fault[] = []
  private readonly codeKeyBytes: Buffer
  private delivering = new Set<number>()
  /** Cloud Pay refunds due on the emulated clock settle on each tick (set by emulator.ts, which delivers their results). */
  settleRefunds?: () => void
  private timer: NodeJS.Timeout | undefined
  /** lookups that would otherwise scan every code, order or push */
  readonly index: StateIndex

  constructor(
    readonly file: StateStore,
    readonly o: PlatformOptions,
  ) {
    this.index = new StateIndex(file)
    // The key that makes encrypt_code opaque; derived from the secret so codes survive restarts.
    this.codeKeyBytes = createHash('sha256').update(`encrypt_code\0${o.saSecret}`).digest()
    this.retired = new Set(o.retiredApis ?? [])
  }

  /** Whether WeChat answers this call with 45103 (see PlatformOptions.retiredApis). */
  isRetired(path: string, body: Record<string, unknown>): boolean {
    if (this.retired.has(path)) return true
    const type = (body.card as { card_type?: unknown } | undefined)?.card_type
    return path === 'card/create' && typeof type === 'string' && this.retired.has(`card/create:${type}`)
  }

  get s(): EmuState {
    return this.file.state
  }

  touch(): void {
    this.file.touch()
  }

  /** Emulated seconds. */
  now(): number {
    return Math.floor(Date.now() / 1000) + this.s.clockOffset
  }

  advance(seconds: number): void {
    this.s.clockOffset += seconds
    this.touch()
    this.tick()
  }

  nextId(prefix = ''): string {
    this.s.seq++
    this.touch()
    return `${prefix}${this.s.seq}`
  }

  // ---------- people ----------

  userByName(name: string): EmuUser {
    const u = this.s.users[name]
    if (!u) throw new WxError(40003, `invalid user ${name} (create it with POST /__emu/users)`)
    return u
  }

  userBySaOpenid(openid: string): EmuUser | undefined {
    return Object.values(this.s.users).find((u) => u.saOpenid === openid)
  }

  // ---------- credentials ----------

  /** Today's counts for the Service Account (a new day starts them again). */
  private quotaDay(): EmuState['quota'][string] {
    const day = new Date(this.now() * 1000).toISOString().slice(0, 10)
    const q = (this.s.quota[this.o.saAppid] ??= { day, token: 0, ticket: 0 })
    if (q.day !== day) Object.assign(q, { day, token: 0, ticket: 0, force: 0 })
    return q
  }

  private quotaFor(kind: 'token' | 'ticket'): void {
    const q = this.quotaDay()
    if (q[kind] >= this.o.quotas[kind]) throw new WxError(45009, `reach max api daily quota limit (${kind}: ${this.o.quotas[kind]} a day)`)
    q[kind]++
  }

  issueToken(
    appid: string,
    secret: string,
    opts: { stable?: boolean; force?: boolean } = {},
  ): { access_token: string; expires_in: number } {
    if (appid !== this.o.saAppid) throw new WxError(40013, 'invalid appid')
    if (secret !== this.o.saSecret) throw new WxError(40125, 'invalid appsecret')
    // getStableAccessToken (注意事项): "与 getAccessToken 获取的调用凭证完全隔离，互不影响", with its own
    // limits (1 万次每分钟, 50 万次每天): a fetch of one kind retires only that kind's earlier token, and
    // only cgi-bin/token counts against the 2000-a-day quota.
    const answer = opts.stable ? this.stableToken(appid, opts.force === true) : this.plainToken(appid)
    this.stats.tokenFetches++
    return answer
  }

  /** cgi-bin/token: a new token each time; the previous one works for TOKEN_OVERLAP more. */
  private plainToken(appid: string): { access_token: string; expires_in: number } {
    this.quotaFor('token')
    const now = this.now()
    for (const t of Object.values(this.s.tokens)) if (t.replacedAt === undefined && t.stable !== true) t.replacedAt = now
    return this.newToken(appid, false)
  }

  /** cgi-bin/stable_token, in normal or force_refresh mode. */
  private stableToken(appid: string, force: boolean): { access_token: string; expires_in: number } {
    const now = this.now()
    const live = Object.entries(this.s.tokens).find(([, t]) => t.stable && t.expiresAt > now && t.replacedAt === undefined)
    if (!live) return this.newToken(appid, true)
    const [token, t] = live
    const same = { access_token: token, expires_in: t.expiresAt - now }
    if (force) {
      // "强制刷新模式…限制每天 20 次…连续使用该模式时，请保证调用时间隔至少为 30s，否则不会刷新".
      const q = this.quotaDay()
      if (now - (q.lastForce ?? -Infinity) < STABLE_FORCE_GAP) return same
      if ((q.force ?? 0) >= STABLE_FORCE_PER_DAY)
        throw new WxError(45009, `reach max api daily quota limit (stable_token force_refresh: ${STABLE_FORCE_PER_DAY} a day)`)
      q.force = (q.force ?? 0) + 1
      q.lastForce = now
      // "会导致上次获取的 access_token 失效": at once, no overlap.
      delete this.s.tokens[token]
      return this.newToken(appid, true)
    }
    // Normal mode answers the live token until its last 5 minutes ("普通模式下，平台会提前 5 分钟更新
    // access_token"); a new one then, the old one working to its end ("新旧 access_token 都可用").
    if (t.expiresAt - now > STABLE_RENEW_AHEAD) return same
    t.replacedAt = now
    t.overlapUntil = t.expiresAt
    return this.newToken(appid, true)
  }

  private newToken(appid: string, stable: boolean): { access_token: string; expires_in: number } {
    const now = this.now()
    this.stats.tokensIssued++
    const token = randomBytes(48).toString('base64url')
    this.s.tokens[token] = { appid, expiresAt: now + TOKEN_TTL, ...(stable ? { stable } : {}) }
    for (const [k, t] of Object.entries(this.s.tokens)) if (t.expiresAt < now - 86400) delete this.s.tokens[k]
    this.touch()
    return { access_token: token, expires_in: TOKEN_TTL }
  }

  checkToken(token: string | null): void {
    if (!token) throw new WxError(41001, 'access_token missing')
    const t = this.s.tokens[token]
    const now = this.now()
    if (!t) throw new WxError(40001, 'invalid credential, access_token is invalid or not latest')
    if (t.expiresAt <= now) throw new WxError(42001, 'access_token expired')
    if (t.replacedAt !== undefined && now > (t.overlapUntil ?? t.replacedAt + TOKEN_OVERLAP))
      throw new WxError(40001, 'invalid credential, access_token is invalid or not latest')
  }

  /**
   * The wx_card api_ticket: "valid for 7200 s, and repeated requests remain unchanged within 7200 s"
   * (card-getting-started §5, gift-card-api §5.2). A request while a ticket lives answers that ticket
   * with its remaining lifetime; every request still counts against the daily quota.
   */
  issueTicket(): { ticket: string; expires_in: number } {
    this.quotaFor('ticket')
    this.stats.ticketFetches++
    const now = this.now()
    const live = Object.entries(this.s.tickets)
      .filter(([, t]) => t.expiresAt > now)
      .sort((a, b) => b[1].expiresAt - a[1].expiresAt)[0]
    if (live) return { ticket: live[0], expires_in: live[1].expiresAt - now }
    const ticket = randomBytes(32).toString('base64url')
    this.s.tickets[ticket] = { expiresAt: this.now() + TOKEN_TTL }
    this.touch()
    return { ticket, expires_in: TOKEN_TTL }
  }

  /**
   * WeChat drops the live wx_card tickets before their stated expiry (it happens: issue 25 §2): card_ext
   * signed with them is refused from now on, and the next getticket issues a new one. Answers how many.
   */
  dropTickets(): number {
    const now = this.now()
    const live = Object.entries(this.s.tickets).filter(([, t]) => t.expiresAt > now)
    for (const [k] of live) this.s.tickets[k] = { expiresAt: now }
    this.touch()
    return live.length
  }

  /** The wx_card tickets that currently sign card_ext (the newest and any not yet expired). */
  liveTickets(): string[] {
    const now = this.now()
    return Object.entries(this.s.tickets)
      .filter(([, t]) => t.expiresAt > now)
      .map(([k]) => k)
  }

  // ---------- codes ----------

  code(cardId: string, code: string): EmuCode | undefined {
    return this.s.codes[codeKey(cardId, code)]
  }

  /** A code by its value alone (card_id is optional in several code APIs). */
  findCode(code: string, cardId?: string): EmuCode {
    const c = cardId
      ? this.code(cardId, code)
      : this.index
          .keysOfCode(code)
          .map((k) => this.s.codes[k])
          .find((x) => x?.code === code)
    // card-api-guide: code未被添加或被转赠领取的情况则统一报错:invalid serial code
    if (!c || c.giftedAway) throw new WxError(40056, 'invalid serial code')
    return c
  }

  putCode(c: EmuCode): void {
    this.s.codes[codeKey(c.card_id, c.code)] = c
    this.touch()
  }

  newCode(): string {
    for (;;) {
      const code = String(100000000000 + (randomBytes(6).readUIntBE(0, 6) % 900000000000))
      if (!this.index.keysOfCode(code).length) return code
    }
  }

  /**
   * WeChat's encrypt_code: opaque, base64 (so it contains + / =), reversible only by card/code/decrypt.
   * Authenticated (AES-GCM), so any altered character is refused with 40075 as WeChat does.
   */
  encryptCode(code: string): string {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', this.codeKeyBytes, iv)
    const body = Buffer.concat([c.update(code, 'utf8'), c.final()])
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')
  }

  decryptCode(enc: string): string {
    try {
      const buf = Buffer.from(enc, 'base64')
      if (buf.length < 29 || buf.toString('base64') !== enc) throw new Error('not base64')
      const d = createDecipheriv('aes-256-gcm', this.codeKeyBytes, buf.subarray(0, 12))
      d.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8')
    } catch {
      throw new WxError(40075, 'invalid encrypt code')
    }
  }

  bagOf(user: EmuUser): EmuCode[] {
    return this.codesHeldBy(user.saOpenid)
  }

  /** The codes a Service Account openid holds (any status), in the order they were added. */
  codesHeldBy(openid: string): EmuCode[] {
    return this.index
      .keysHeldBy(openid)
      .map((k) => this.s.codes[k]!)
      .filter((c) => c.openid === openid)
  }

  /** The codes of one card (any status, any holder), in the order they were added. */
  codesOfCard(cardId: string): EmuCode[] {
    return this.index
      .keysOfCard(cardId)
      .map((k) => this.s.codes[k]!)
      .filter((c) => c.card_id === cardId)
  }

  /**
   * Counts one event of the data cube for a card on today's (Beijing) date, and who it was: the cube
   * answers "view_cnt浏览次数 / view_user浏览人数" and so on (friend-coupons.zh.txt lines 1755-1764), times
   * and distinct people apart.
   */
  cube(cardId: string, counter: CubeCounter, openid: string): void {
    const day = new Date((this.now() + 8 * 3600) * 1000).toISOString().slice(0, 10)
    const byDay = (this.s.cube[cardId] ??= {})
    const c = (byDay[day] ??= { view: 0, receive: 0, verify: 0, given: 0, expire: 0 })
    c[counter]++
    const users = (c.users ??= {})
    const who = (users[counter] ??= [])
    if (!who.includes(openid)) who.push(openid)
    this.touch()
  }

  /**
   * WeChat's reviewer refuses a card: it leaves review (CARD_STATUS_VERIFY_FAIL) and the Service Account
   * gets card_not_pass_check with the reason (RefuseReason, the field card_pass_check carries empty).
   * A card not under review cannot be refused; editing it (card/update) sends it back to review.
   */
  rejectReview(cardId: string, reason: string): void {
    const card = this.s.cards[cardId]
    if (!card || card.status !== 'CARD_STATUS_NOT_VERIFY') throw new WxError(40097, `invalid args: card ${cardId} is not under review`)
    card.status = 'CARD_STATUS_VERIFY_FAIL'
    this.touch()
    this.push('card_not_pass_check', { CardId: card.card_id, RefuseReason: reason })
  }

  // ---------- scheduled work ----------

  start(): void {
    // Pushes still queued when the emulator last stopped (or was killed) are retried from now at this
    // run's retry setting; their attempts so far and their 24-hour deadline count as they were.
    const realNow = Date.now()
    for (const i of this.index.pendingPushes) {
      const p = this.s.pushes[Number(i)]!
      const soonest = realNow + (p.expect === 'giftcard' ? this.o.push.giftcardIntervalMs : 0)
      if (p.nextAt > soonest) p.nextAt = soonest
    }
    this.timer = setInterval(() => this.tick(), 200)
    this.timer.unref()
    this.tick()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  /**
   * Runs everything that is due on the emulated clock, and push retries that are due in real time. It
   * looks only at what can be due (state-index.ts), so a tick costs the same at 1,000 or 1,000,000 codes.
   */
  tick(): void {
    this.settleRefunds?.()
    const now = this.now()
    for (const card of Object.values(this.s.cards)) {
      if (card.status === 'CARD_STATUS_NOT_VERIFY' && card.reviewAt <= now) {
        card.status = 'CARD_STATUS_VERIFY_OK'
        this.touch()
        this.push('card_pass_check', { CardId: card.card_id, RefuseReason: '' })
      }
    }
    for (const key of [...this.index.watchedCodes]) {
      const c = this.s.codes[key]
      if (!c) continue
      if (c.status === 'GIFTING' && c.gifting && now - c.gifting.since >= GIFT_TIMEOUT_SECONDS) {
        // Unaccepted for 24 hours: the card returns to the giver.
        const to = c.gifting.to
        c.status = 'NORMAL'
        delete c.gifting
        this.touch()
        this.push(
          'user_gifting_card',
          { CardId: c.card_id, UserCardCode: c.code, IsReturnBack: '1', FriendUserName: to, IsChatRoom: '0' },
          c.openid,
        )
      }
      if (c.mark && c.mark.until <= now) {
        delete c.mark
        this.touch()
      }
    }
    for (const card of Object.values(this.s.cards)) {
      const end = (card.body.base_info as { date_info?: { type?: string; end_timestamp?: number } } | undefined)?.date_info
      if (
        end?.type !== 'DATE_TYPE_FIX_TIME_RANGE' ||
        !end.end_timestamp ||
        end.end_timestamp >= now ||
        !this.index.normalCount(card.card_id)
      )
        continue
      for (const c of this.codesOfCard(card.card_id)) {
        if (c.status !== 'NORMAL') continue
        c.status = 'EXPIRE'
        this.cube(c.card_id, 'expire', c.openid)
        this.touch()
      }
    }
    for (const key of [...this.index.sendingOrders]) {
      const order = this.s.orders[key]
      if (order?.status === 'SENDING' && now - order.pay_finish_time >= GIFT_TIMEOUT_SECONDS) {
        order.status = 'RETURNED'
        for (const item of order.card_list) {
          const c = this.code(item.card_id, item.code)
          if (c) {
            c.status = 'NORMAL'
            c.openid = order.open_id
          }
        }
        this.touch()
        this.push(
          'giftcard_send_to_friend',
          { PageId: order.page_id, OrderId: order.order_id, IsChatRoom: String(order.is_chat_room), IsReturnBack: 'true' },
          order.open_id,
        )
      }
    }
    const realNow = Date.now()
    for (const i of [...this.index.pendingPushes]) {
      const p = this.s.pushes[Number(i)]
      if (p?.status === 'pending' && p.nextAt <= realNow && !this.delivering.has(p.id)) void this.deliver(p)
    }
  }

  // ---------- pushes ----------

  /**
   * Queues an event push from `from` (a Service Account openid; system events such as review results
   * come from the platform itself) and starts delivering it.
   */
  push(event: string, fields: Record<string, string>, from = this.o.ghId): EmuPush {
    const xmlFields: Record<string, string | number> = {
      ToUserName: this.o.ghId,
      FromUserName: from,
      CreateTime: this.now(),
      MsgType: 'event',
      Event: event,
      ...fields,
    }
    const xml = `<xml>${Object.entries(xmlFields)
      .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
      .join('')}</xml>`
    const giftcard = event.startsWith('giftcard_')
    const p: EmuPush = {
      id: this.s.pushes.length + 1,
      event,
      xml,
      expect: giftcard ? 'giftcard' : 'ordinary',
      attempts: [],
      status: 'pending',
      nextAt: Date.now(),
      giveUpAt: Date.now() + 24 * 3600 * 1000,
    }
    this.s.pushes.push(p)
    this.touch()
    // The log's own record from here on: deliver() changes it after awaits, and those changes are kept.
    const queued = this.s.pushes[this.s.pushes.length - 1]!
    void this.deliver(queued)
    return queued
  }

  private envelope(xml: string): { query: URLSearchParams; body: string } {
    const { token, aesKey, mode } = this.o.push
    // The transport timestamp is wall-clock time, as the receiver checks it against its own clock;
    // the event's CreateTime is on the emulated clock.
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = String(randomBytes(4).readUInt32BE(0))
    const query = new URLSearchParams({ signature: sha1Sorted(token, timestamp, nonce), timestamp, nonce })
    if (mode === 'plain') return { query, body: xml }
    const encrypt = wxEncrypt(aesKey, this.o.saAppid, xml)
    query.set('encrypt_type', 'aes')
    query.set('msg_signature', sha1Sorted(token, timestamp, nonce, encrypt))
    const body =
      mode === 'safe'
        ? `<xml><ToUserName><![CDATA[${this.o.ghId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
        : xml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`)
    return { query, body }
  }

  /** Whether the reply acknowledges the push (plaintext, or an encrypted envelope in compat/safe mode). */
  private acknowledged(p: EmuPush, status: number, reply: string): boolean {
    if (status !== 200) return false
    let text = reply.trim()
    const enc = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(text)?.[1]
    if (enc && this.o.push.mode !== 'plain') {
      const opened = wxDecrypt(this.o.push.aesKey, this.o.saAppid, enc)
      if (opened === null) return false
      text = opened.trim()
    }
    return p.expect === 'giftcard' ? text === '<xml>ok</xml>' : text === '' || text === 'success'
  }

  private async deliver(p: EmuPush): Promise<void> {
    if (this.delivering.has(p.id) || p.status !== 'pending') return
    this.delivering.add(p.id)
    try {
      // What led to the push (and the push itself) is on disk before it can reach the server: written
      // once the turn that queued it has ended (not in its middle, where objects just put may still change).
      await Promise.resolve()
      this.file.flush()
      const { query, body } = this.envelope(p.xml)
      let status = 0
      let reply = ''
      // A fault on `push` or `push:<event>` loses this delivery before it reaches the server.
      const fault = this.faults.find((f) => (f.path === 'push' || f.path === `push:${p.event}`) && f.times > 0)
      if (fault) {
        fault.times--
        reply = 'dropped by an injected fault'
      } else
        try {
          const res = await fetch(`${this.o.push.url}?${query}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'text/xml' },
            signal: AbortSignal.timeout(this.o.push.timeoutMs),
          })
          status = res.status
          reply = await res.text()
        } catch (err) {
          reply = `no reply: ${(err as Error).message}`
        }
      const ok = this.acknowledged(p, status, reply)
      p.attempts.push({ at: this.now(), status: status ? String(status) : 'timeout', reply: reply.slice(0, 200) })
      if (ok) p.status = 'delivered'
      else if (p.expect === 'ordinary') {
        // Ordinary events: retried at once after each failure, three times in all.
        if (p.attempts.length > this.o.push.ordinaryRetries) p.status = 'failed'
        else p.nextAt = Date.now()
      } else if (p.attempts.length >= this.o.push.giftcardAttempts || Date.now() + this.o.push.giftcardIntervalMs > p.giveUpAt) {
        p.status = 'failed'
      } else {
        p.nextAt = Date.now() + this.o.push.giftcardIntervalMs
      }
      this.touch()
    } finally {
      this.delivering.delete(p.id)
    }
    if (p.status === 'pending' && p.nextAt <= Date.now()) void this.deliver(p)
  }

  /** Resolves when no push is pending (or after `ms`). */
  async settle(ms = 5000): Promise<void> {
    const until = Date.now() + ms
    const due = () =>
      [...this.index.pendingPushes].some((i) => {
        const p = this.s.pushes[Number(i)]
        return p?.status === 'pending' && p.nextAt <= Date.now() + 50
      })
    while (Date.now() < until && due()) {
      await new Promise((r) => setTimeout(r, 20))
    }
  }
}

// The emulator's side of the conformance run: a small world (a gift card, a member card, a friend
// coupon, codes, a shelf with an order, a pay-then-member rule, a coin order) so that a document's
// request example can be sent as written, with only the ids it names replaced by live ones. The
// example's other values are kept: whatever the emulator answers is what the run records.
import { emulatedMethods, type WechatEmulator } from '../../emulator/wechat/emulator'
import giftCardExample from '../fixtures/giftcard-create.example.json'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export interface World {
  emu: WechatEmulator
  token: () => Promise<string>
  gift: string
  member: string
  friend: string
  pageId: string
  orderId: string
  /** an order sent to a group chat (IsChatRoom true), still unaccepted */
  chatRoomOrderId: string
  ruleId: string
  coinOrderId: string
  alice: string
  /** an order whose buyer authorized a unit (biz) invoice */
  bizOrderId: string
  page: J
  freshCode: (cardId: string) => string
  /** a sub-merchant number newly on the gift-card pay whitelist */
  freshMch: () => Promise<string>
  /** a new pay-then-member rule */
  freshRule: () => Promise<string>
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

async function raw(emu: WechatEmulator, method: string, path: string, body?: unknown): Promise<J> {
  const res = await fetch(`${emu.url}/${path}`, { method, ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}) })
  return (await res.json()) as J
}

/** Calls an emulated API as any HTTP client would: its method, the token, the example's JSON. */
export async function callEmulator(w: World, endpoint: string, body: unknown): Promise<J> {
  const [path, query] = endpoint.split('?') as [string, string | undefined]
  const method = emulatedMethods()[path] ?? 'POST'
  const q = `access_token=${encodeURIComponent(await w.token())}${query ? `&${query}` : ''}`
  return raw(w.emu, method, `${path}?${q}`, body)
}

/** Whether the emulator serves the API (the jsapi ticket is for JS-SDK pages, which it does not model). */
export function served(endpoint: string): boolean {
  return endpoint.split('?')[0]! in emulatedMethods() && endpoint !== 'cgi-bin/ticket/getticket?type=jsapi'
}

export async function buildWorld(emu: WechatEmulator): Promise<World> {
  const o = emu.platform.o
  const token = async () =>
    (await raw(emu, 'GET', `cgi-bin/token?grant_type=client_credential&appid=${o.saAppid}&secret=${o.saSecret}`)).access_token as string
  let tok = await token()
  const w = { emu, token: async () => tok } as World
  const now = Math.floor(Date.now() / 1000)
  const create = async (card: J) => {
    const r = await callEmulator(w, 'card/create', card)
    if (r.errcode !== 0) throw new Error(`conformance world: card/create ${JSON.stringify(r)}`)
    return r.card_id as string
  }
  const gift = clone(giftCardExample) as J
  gift.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now - 3600,
    end_timestamp: now + 365 * 86400,
  }
  w.gift = await create(gift)
  const base = { ...gift.card.general_card.base_info }
  for (const k of ['giftcard_info', 'max_give_friend_times']) delete base[k]
  w.member = await create({
    card: {
      card_type: 'MEMBER_CARD',
      member_card: { base_info: base, prerogative: '会员特权', supply_bonus: true, supply_balance: false },
    },
  })
  // A friend coupon as friend-coupons.zh.txt shapes one: no sku (stock is bought with coins), can_share and
  // can_give_friend false, at least one store and one picture with text.
  const friendBase = {
    ...base,
    can_share: false,
    can_give_friend: false,
    location_id_list: [1],
    date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 3600, end_timestamp: now + 80 * 86400 },
  }
  delete friendBase.sku
  w.friend = await create({
    card: {
      card_type: 'CASH',
      cash: {
        reduce_cost: 100,
        least_cost: 1000,
        advanced_info: { share_friends: true, text_image_list: [{ image_url: 'http://mmbiz.qpic.cn/p', text: '图文' }] },
        base_info: friendBase,
      },
    },
  })
  emu.users.ensure('alice')
  emu.users.ensure('bob')
  w.alice = emu.users.get('alice')!.saOpenid
  let n = 0
  w.freshCode = (cardId: string) => {
    const code = String(400000000000 + ++n * 7919)
    emu.platform.putCode({
      card_id: cardId,
      code,
      status: 'NORMAL',
      openid: w.alice,
      balance: 10000,
      bonus: 0,
      receivedAt: emu.platform.now(),
    })
    return code
  }
  const page = {
    page_title: '礼品卡',
    banner_pic_url: 'http://mmbiz.qpic.cn/b',
    support_buy_for_self: true,
    theme_list: [
      {
        theme_pic_url: 'http://mmbiz.qpic.cn/t',
        title: '主题',
        title_color: '#FB966E',
        item_list: [{ card_id: w.gift }],
        pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/f', default_gifting_msg: '祝福语1' }],
      },
    ],
    address: '广州市海珠区222号',
    service_phone: '020-12345678',
    biz_description: '退款指引',
    cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
    cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
  }
  w.page = page
  w.pageId = (await callEmulator(w, 'card/giftcard/page/add', { page })).page_id as string
  const buy = async () => {
    const res = await fetch(`${emu.url}/__emu/giftcard/buy`, {
      method: 'POST',
      body: JSON.stringify({
        user: 'alice',
        pageId: w.pageId,
        items: [{ cardId: w.gift, backgroundPicUrl: 'http://mmbiz.qpic.cn/f', message: '祝福语1' }],
        forSelf: true,
      }),
    })
    return ((await res.json()) as J).order.order_id as string
  }
  w.orderId = await buy()
  w.bizOrderId = await buy()
  const chat = await fetch(`${emu.url}/__emu/giftcard/buy`, {
    method: 'POST',
    body: JSON.stringify({ user: 'bob', pageId: w.pageId, items: [{ cardId: w.gift }], toChatRoom: true }),
  })
  w.chatRoomOrderId = ((await chat.json()) as J).order.order_id as string
  await callEmulator(w, 'card/invoice/setbizattr?action=set_pay_mch', { paymch_info: { mchid: '1900015421', s_pappid: 'wxabcd' } })
  await callEmulator(w, 'card/invoice/setbizattr?action=set_auth_field', {
    auth_field: {
      user_field: { show_title: 1, custom_field: [{ key: 'field1' }] },
      biz_field: { show_title: 1, show_tax_no: 1, custom_field: [{ key: 'field2' }] },
    },
  })
  const authorize = (orderId: string, extra: J) =>
    fetch(`${emu.url}/__emu/client/authorizeInvoice`, { method: 'POST', body: JSON.stringify({ user: 'alice', orderId, ...extra }) })
  await authorize(w.orderId, { title: '个人', phone: '5554545', email: 'a@qq.com', custom: { field1: '管理理论' } })
  await authorize(w.bizOrderId, {
    biz: true,
    title: '示例公司',
    taxNo: '6464646766',
    addr: '广州',
    phone: '1557548768',
    bankType: '银行',
    bankNo: '545454646',
    custom: { field2: '哈哈' },
  })
  let mch = 1900015420
  w.freshMch = async () => {
    const sub = String(++mch)
    await callEmulator(w, 'card/giftcard/pay/whitelist/add', { sub_mch_id: sub })
    return sub
  }
  w.freshRule = async () =>
    (
      await callEmulator(w, 'card/paygiftcard/add', {
        rule_info: {
          type: 'RULE_TYPE_PAY_MEMBER_CARD',
          base_info: { mchid_list: [await w.freshMch()], begin_time: now - 60, end_time: now + 86400 },
          member_rule: { card_id: w.member, least_cost: 1, max_cost: 100000, jump_url: 'https://mp.weixin.qq.com' },
        },
      })
    ).rule_id as string
  w.ruleId = await w.freshRule()
  await callEmulator(w, 'card/pay/activate', undefined)
  w.coinOrderId = (await callEmulator(w, 'card/pay/recharge', { coin_count: 100 })).order_id as string
  // paid, as friend-coupons.zh.txt's getorder example shows it ("status": "ORDER_STATUS_FINANCE_SUCC")
  await fetch(`${emu.url}/__emu/coins/pay`, { method: 'POST', body: JSON.stringify({ orderId: w.coinOrderId }) })
  tok = await token()
  return w
}

/** Which of the world's cards an example is about (the document and the body say). */
function cardFor(w: World, endpoint: string, ex: J, doc: string): string {
  if (ex.member_card || endpoint === 'card/membercard/userinfo/get' || doc === 'member-card-management.en.txt') return w.member
  if (ex.cash || ex.gift || ex.groupon || ex.discount || ex.general_coupon) return w.friend
  if (doc === 'friend-coupons.zh.txt' && !endpoint.startsWith('card/giftcard')) return w.friend
  if (endpoint === 'card/code/mark' || endpoint.startsWith('card/pay/')) return w.friend
  return w.gift
}

/**
 * The example with its ids replaced by the world's: card_id (the card the example is about), code (a
 * fresh code of it, marked first when the example consumes with openid as friend coupons must be),
 * page_id, order_id, rule_id (a fresh rule), openid, encrypt_code: ids that must exist in the world.
 * Every other value is the document's own (mchid_list, s_pappid, wxa_appid, quantities, dates): what
 * the emulator answers to them is what the run records.
 */
export async function substitute(w: World, endpoint: string, example: J, doc: string): Promise<J> {
  const ex = clone(example)
  if (endpoint === 'card/create') return ex
  const cardId = cardFor(w, endpoint, ex, doc)
  const walk = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map(walk))
    if (!v || typeof v !== 'object') return v
    const o = v as J
    for (const k of Object.keys(o)) o[k] = await walk(o[k])
    if ('card_id' in o && typeof o.card_id === 'string') o.card_id = cardId
    if ('code' in o && typeof o.code === 'string') o.code = w.freshCode(typeof o.card_id === 'string' ? o.card_id : cardId)
    if ('page_id' in o) o.page_id = w.pageId
    if ('order_id' in o) o.order_id = endpoint.startsWith('card/pay/') ? w.coinOrderId : w.orderId
    if ('rule_id' in o) o.rule_id = await w.freshRule()
    if ('encrypt_code' in o) o.encrypt_code = w.emu.platform.encryptCode(w.freshCode(cardId))
    if ('openid' in o && typeof o.openid === 'string') o.openid = w.alice
    return o
  }
  await walk(ex)
  if (endpoint === 'card/pay/confirm') {
    // confirm spends coins for a price order just quoted (friend-coupons: a quote lives 60 s).
    const quote = await callEmulator(w, 'card/pay/getpayprice', { card_id: w.friend, quantity: ex.quantity })
    ex.order_id = quote.order_id
  }
  if (endpoint === 'card/code/consume' && typeof ex.openid === 'string') {
    await callEmulator(w, 'card/code/mark', { code: ex.code, card_id: cardId, openid: ex.openid, is_mark: true })
    ex.card_id ??= cardId
  }
  return ex
}

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null'
const kindOf = (v: unknown): Kind => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as Kind))

/**
 * A value the document gives as a rule rather than as sample data: a boolean (can_consume, send_check)
 * or a name from an enumeration (user_card_status "NORMAL", "ORDER_STATUS_FINANCE_SUCC",
 * "RULE_TYPE_PAY_MEMBER_CARD"). Ids, times, amounts and texts are the example's own data.
 */
const givenValue = (v: unknown) => typeof v === 'boolean' || (typeof v === 'string' && /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(v))

/**
 * How a reply differs from the document's example of it, field by field at every depth: `missing: f`
 * (a documented field absent), `type: f doc→got` (present with another JSON type), `value: f doc→got`
 * (a value the document gives — see givenValue — differs). Every element of a list is held to the
 * document's element at the same place, or its first; list contents are the world's, so values are
 * compared outside lists only.
 */
export function replyDiff(doc: unknown, got: unknown, prefix = '', inList = false): string[] {
  const out: string[] = []
  if (Array.isArray(doc)) {
    if (!Array.isArray(got)) return [`type: ${prefix || '.'} array→${kindOf(got)}`]
    if (doc.length === 0) return out
    got.forEach((g, i) => out.push(...replyDiff(doc[i] ?? doc[0], g, `${prefix}[]`, true)))
    return [...new Set(out)]
  }
  if (doc && typeof doc === 'object') {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return [`type: ${prefix || '.'} object→${kindOf(got)}`]
    for (const [k, v] of Object.entries(doc as J)) {
      const key = k.trim()
      if (key === 'errcode' || key === 'errmsg') continue
      const g = (got as J)[key]
      const path = prefix ? `${prefix}.${key}` : key
      if (g === undefined) out.push(`missing: ${path}`)
      else out.push(...replyDiff(v, g, path, inList))
    }
    return out
  }
  if (kindOf(doc) !== kindOf(got)) return [`type: ${prefix} ${kindOf(doc)}→${kindOf(got)}`]
  if (!inList && givenValue(doc) && doc !== got) return [`value: ${prefix} ${String(doc)}→${String(got)}`]
  return out
}

/**
 * Puts the world in the state a reply example shows before the probe is sent: a code/get example of a
 * code in another state ("异常状态": GIFTING, DELETE) gets a code in that state; an order example sent to
 * a group chat ("IsChatRoom": true) is asked about the world's group order. The values compared are
 * then the document's own.
 */
export function asDocumented(w: World, endpoint: string, body: J, doc: J): J {
  if (endpoint === 'card/code/get' && typeof doc.user_card_status === 'string' && typeof body.code === 'string') {
    const c = w.emu.platform.code(String(body.card_id ?? w.gift), body.code)
    if (c) c.status = doc.user_card_status as typeof c.status
    // A reply of errcode 0 for a deleted or unavailable code can only come from a query without
    // check_consume (friend-coupons.zh.txt line 1183 "当check_consume为false时返回数据"; with it, lines
    // 1176-1180 answer 40127).
    if (['DELETE', 'UNAVAILABLE', 'CONSUMED', 'EXPIRE'].includes(doc.user_card_status as string)) return { ...body, check_consume: false }
  }
  if (endpoint === 'card/giftcard/order/get' && (doc.order as J | undefined)?.IsChatRoom === true)
    return { ...body, order_id: w.chatRoomOrderId }
  return body
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1a1e8d40000000049454e44ae426082',
  'hex',
)

/**
 * The request that makes the emulator produce a documented reply when the section's own request
 * example cannot (it is pinned as refused, is a fragment, or there is none): the world's valid one.
 */
export async function cannedProbe(w: World, endpoint: string, exampleId: string): Promise<J | undefined> {
  const now = Math.floor(Date.now() / 1000)
  if (exampleId === 'gift-card-api.en.txt:2237') return { s_pappid: 'wxabcd', order_id: w.bizOrderId }
  switch (endpoint) {
    case 'card/create': {
      const gift = clone(giftCardExample) as J
      gift.card.general_card.base_info.date_info = {
        type: 'DATE_TYPE_FIX_TIME_RANGE',
        begin_timestamp: now - 3600,
        end_timestamp: now + 86400,
      }
      return gift
    }
    case 'card/update':
      return { card_id: w.gift, general_card: { base_info: { notice: '使用时出示礼品卡' } } }
    case 'card/giftcard/page/add':
      return { page: w.page }
    case 'card/giftcard/wxa/set':
      return { wxa_appid: 'wx8638fbedaf138a87', page_id: w.pageId }
    case 'card/giftcard/page/update':
      return { page: { ...w.page, page_id: w.pageId } }
    case 'card/generalcard/updateuser':
      return { card_id: w.gift, code: w.freshCode(w.gift), balance: 200, record_balance: '消费30元' }
    case 'datacube/getcardbizuininfo': {
      const today = new Date((now + 8 * 3600) * 1000).toISOString().slice(0, 10)
      return { begin_date: today, end_date: today, cond_source: 0 }
    }
    default:
      return undefined
  }
}

/** The emulator's reply to an upload of a small PNG (cgi-bin/media/uploadimg takes a form, not JSON). */
export async function uploadProbe(w: World): Promise<J> {
  const form = new FormData()
  form.append('media', new Blob([PNG], { type: 'image/png' }), 'logo.png')
  const res = await fetch(`${w.emu.url}/cgi-bin/media/uploadimg?access_token=${await w.token()}`, { method: 'POST', body: form })
  return (await res.json()) as J
}

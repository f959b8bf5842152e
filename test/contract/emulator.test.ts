// The WeChat emulator held to the reference documents, through raw HTTP (not the product's client).
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import example from '../fixtures/giftcard-create.example.json'
import { api, http, signExt, startEmu, startReceiver, ticket, token, until, type Receiver } from '../helpers/emulator'
import type { Json } from '../helpers/stack'

let rx: Receiver
let emu: WechatEmulator
let tok: string

/** The document's gift card, valid now, with overrides to base_info. */
function giftCard(base: Json = {}, body: Json = {}): Json {
  const c = JSON.parse(JSON.stringify(example)) as Json
  const now = Math.floor(Date.now() / 1000)
  c.card.general_card.base_info.date_info = {
    type: 'DATE_TYPE_FIX_TIME_RANGE',
    begin_timestamp: now - 3600,
    end_timestamp: now + 365 * 86400,
  }
  Object.assign(c.card.general_card.base_info, base)
  Object.assign(c.card.general_card, body)
  return c
}

async function createCard(base: Json = {}, body: Json = {}): Promise<string> {
  const r = await api(emu, 'card/create', giftCard(base, body), tok)
  expect(r.errcode).toBe(0)
  return r.card_id as string
}

/** A shelf with every field §7.2 marks required; buying for oneself on, as the purchases below do it. */
function shelf(cardId: string, page: Json = {}): Json {
  return {
    page: {
      page_title: '礼品卡',
      banner_pic_url: 'http://mmbiz.qpic.cn/b',
      support_buy_for_self: true,
      theme_list: [
        {
          theme_pic_url: 'http://mmbiz.qpic.cn/t',
          title: '主题',
          title_color: '#FB966E',
          item_list: [{ card_id: cardId }],
          pic_item_list: [{ background_pic_url: 'http://mmbiz.qpic.cn/f', default_gifting_msg: '祝福语1' }],
        },
      ],
      address: '广州市海珠区222号',
      service_phone: '020-12345678',
      biz_description: '退款指引',
      cell_1: { title: '申请发票', url: 'https://open.weixin.qq.com' },
      cell_2: { title: '申请退款', url: 'https://mp.weixin.qq.com' },
      ...page,
    },
  }
}

const addCard = (user: string, cardId: string, cardExt: string) =>
  http(emu, 'POST', '/__emu/client/addCard', { user, cardList: [{ cardId, cardExt }] })

beforeEach(async () => {
  rx = await startReceiver()
  emu = await startEmu(rx)
  tok = await token(emu)
})
afterEach(async () => {
  await emu.stop()
  await rx.close()
})

describe('access_token and api_ticket', () => {
  test('bad appid 40013, bad secret 40125, missing/invalid/expired token 41001/40001/42001', async () => {
    expect((await http(emu, 'GET', '/cgi-bin/token?grant_type=client_credential&appid=wxnope&secret=x')).json.errcode).toBe(40013)
    const badSecret = await http(emu, 'GET', `/cgi-bin/token?grant_type=client_credential&appid=${emu.platform.o.saAppid}&secret=wrong`)
    expect(badSecret.json).toMatchObject({ errcode: 40125 })
    expect((await http(emu, 'POST', '/card/get', { card_id: 'x' })).json.errcode).toBe(41001)
    expect((await api(emu, 'card/get', { card_id: 'x' }, 'forged')).errcode).toBe(40001)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 7200 })
    expect((await api(emu, 'card/get', { card_id: 'x' }, tok)).errcode).toBe(42001)
  })

  test('a new token leaves the old one working for 5 minutes, then 40001', async () => {
    const newer = await token(emu)
    expect((await api(emu, 'card/batchget', { offset: 0, count: 10 }, tok)).errcode).toBe(0)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 301 })
    expect((await api(emu, 'card/batchget', { offset: 0, count: 10 }, tok)).errcode).toBe(40001)
    expect((await api(emu, 'card/batchget', { offset: 0, count: 10 }, newer)).errcode).toBe(0)
  })

  test('daily quotas: token and ticket fetches are counted and refused with 45009 past the limit', async () => {
    const e2 = await startEmu(rx, { quotas: { token: 2, ticket: 1 } })
    const t = await token(e2)
    expect(await token(e2)).toBeTruthy()
    expect(
      (await http(e2, 'GET', `/cgi-bin/token?grant_type=client_credential&appid=${e2.platform.o.saAppid}&secret=${e2.platform.o.saSecret}`))
        .json.errcode,
    ).toBe(45009)
    expect(await ticket(e2, t)).toBeTruthy()
    expect((await http(e2, 'GET', `/cgi-bin/ticket/getticket?type=wx_card&access_token=${t}`)).json.errcode).toBe(45009)
    expect((await http(e2, 'GET', '/__emu/stats')).json).toMatchObject({ tokenFetches: 2, ticketFetches: 1 })
    await http(e2, 'POST', '/__emu/clock', { advanceSeconds: 86400 })
    expect(await token(e2)).toBeTruthy()
    await e2.stop()
  })
})

describe('stable_token (getStableAccessToken, 注意事项)', () => {
  const stable = (force?: boolean) =>
    http(emu, 'POST', '/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: emu.platform.o.saAppid,
      secret: emu.platform.o.saSecret,
      ...(force === undefined ? {} : { force_refresh: force }),
    }).then((r) => r.json as { access_token: string; expires_in: number; errcode?: number })
  const works = async (t: string) => (await api(emu, 'card/batchget', { offset: 0, count: 10 }, t)).errcode

  test('normal mode answers the live token, kept apart from cgi-bin/token, until its last 5 minutes; then a new one, the old still working to its end', async () => {
    const first = await stable()
    expect(first.expires_in).toBe(7200)
    // A cgi-bin/token fetch (another server of the same account) does not touch it, nor the reverse.
    const plain = await token(emu)
    expect(await works(first.access_token)).toBe(0)
    expect((await stable()).access_token).toBe(first.access_token)
    expect(await works(plain)).toBe(0)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 7200 - 301 })
    expect(await stable()).toMatchObject({ access_token: first.access_token, expires_in: 301 })
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 2 })
    const next = await stable()
    expect(next.access_token).not.toBe(first.access_token)
    expect(next.expires_in).toBe(7200)
    expect(await works(first.access_token)).toBe(0)
    expect(await works(next.access_token)).toBe(0)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 299 })
    expect(await works(first.access_token)).toBe(42001)
    expect((await stable()).access_token).toBe(next.access_token)
  })

  test('force_refresh retires the live token at once; another within 30 s does not refresh; the 21st of a day is 45009', async () => {
    const first = await stable()
    const forced = await stable(true)
    expect(forced.access_token).not.toBe(first.access_token)
    expect(await works(first.access_token)).toBe(40001)
    expect((await stable(true)).access_token).toBe(forced.access_token)
    for (let i = 2; i <= 20; i++) {
      await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 30 })
      expect((await stable(true)).access_token).toBeTruthy()
    }
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 30 })
    expect((await stable(true)).errcode).toBe(45009)
    expect((await stable()).access_token).toBeTruthy()
  })
})

describe('cards', () => {
  test('the document’s gift card is created, read back, and passes review after the configured delay with card_pass_check', async () => {
    const e2 = await startEmu(rx, { reviewSeconds: 600 })
    const t = await token(e2)
    const id = (await api(e2, 'card/create', giftCard(), t)).card_id as string
    expect(id).toMatch(/^p[\w-]{27}$/)
    const got = (await api(e2, 'card/get', { card_id: id }, t)) as Json
    expect(got.card.card_type).toBe('GENERAL_CARD')
    expect(got.card.general_card.base_info).toMatchObject({
      title: '心意卡',
      status: 'CARD_STATUS_NOT_VERIFY',
      sku: { quantity: 50000000 },
    })
    await http(e2, 'POST', '/__emu/clock', { advanceSeconds: 600 })
    expect(((await api(e2, 'card/get', { card_id: id }, t)) as Json).card.general_card.base_info.status).toBe('CARD_STATUS_VERIFY_OK')
    await until(() => rx.bodies.some((b) => b.includes('card_pass_check') && b.includes(id)), 'card_pass_check')
    await e2.stop()
  })

  test('documented rules are enforced: malformed JSON 47001, friend coupons 41025/40079, multi-card QR', async () => {
    const res = await fetch(`${emu.url}/card/create?access_token=${tok}`, { method: 'POST', body: '{"card":' })
    expect(((await res.json()) as Json).errcode).toBe(47001)
    // friend-coupons.zh.txt: share_friends is an advanced_info field.
    const friend = {
      card: {
        card_type: 'CASH',
        cash: {
          reduce_cost: 100,
          advanced_info: { share_friends: true },
          base_info: { ...giftCard().card.general_card.base_info, location_id_list: [] },
        },
      },
    }
    expect((await api(emu, 'card/create', friend, tok)).errcode).toBe(41025)
    friend.card.cash.base_info.location_id_list = [1]
    friend.card.cash.base_info.date_info = {
      type: 'DATE_TYPE_FIX_TIME_RANGE',
      begin_timestamp: 1700000000,
      end_timestamp: 1700000000 + 91 * 86400,
    }
    expect((await api(emu, 'card/create', friend, tok)).errcode).toBe(40079)
    const id = await createCard()
    const six = Array.from({ length: 6 }, () => ({ card_id: id }))
    expect(
      (await api(emu, 'card/qrcode/create', { action_name: 'QR_MULTIPLE_CARD', action_info: { multiple_card: { card_list: six } } }, tok))
        .errcode,
    ).toBe(40053)
    const qr = await api(
      emu,
      'card/qrcode/create',
      { action_name: 'QR_CARD', expire_seconds: 1800, action_info: { card: { card_id: id } } },
      tok,
    )
    expect(qr).toMatchObject({ errcode: 0, expire_seconds: 1800 })
    expect(String(qr.show_qrcode_url)).toContain('showqrcode?ticket=')
  })
})

describe('addCard checks each cardExt as WeChat does', () => {
  test('the guide’s worked example is accepted, and any one-character change refused', async () => {
    // The guide's values: api_ticket, card_id, custom code, a 2014 timestamp (the window is opened for it).
    const e2 = await startEmu(rx, { cardExtWindowSeconds: 2 ** 31 })
    const guideTicket = 'ojZ8YtyVyr30HheH3CM73y7h4jJE'
    const guideCard = 'pjZ8Yt1XGILfi-FUsewpnnolGgZk'
    e2.platform.s.tickets[guideTicket] = { expiresAt: e2.platform.now() + 7200 }
    const body = giftCard({ use_custom_code: true }).card.general_card
    e2.platform.s.cards[guideCard] = {
      card_id: guideCard,
      card_type: 'GENERAL_CARD',
      body,
      status: 'CARD_STATUS_VERIFY_OK',
      createdAt: 0,
      reviewAt: 0,
      quantity: 10,
      totalQuantity: 10,
      isFriendCoupon: false,
    }
    const ext = { code: '1434008071', timestamp: '1404896688', nonce_str: '123', signature: 'f137ab68b7f8112d20ee528ab6074564e2796250' }
    for (const [field, value] of Object.entries(ext)) {
      const changed = { ...ext, [field]: value.slice(0, -1) + (value.endsWith('1') ? '2' : '1') }
      const r = await http(e2, 'POST', '/__emu/client/addCard', {
        user: 'alice',
        cardList: [{ cardId: guideCard, cardExt: JSON.stringify(changed) }],
      })
      expect([field, r.status, r.json.errMsg]).toEqual([field, 400, expect.stringMatching(/invalid signature|code has been taken/)])
    }
    const ok = await http(e2, 'POST', '/__emu/client/addCard', {
      user: 'alice',
      cardList: [{ cardId: guideCard, cardExt: JSON.stringify(ext) }],
    })
    expect(ok.status).toBe(200)
    expect(ok.json.errMsg).toBe('addCard:ok')
    await e2.stop()
  })

  test('accepted: returns an encrypted code that card/code/decrypt reverses, and pushes user_get_card', async () => {
    const id = await createCard()
    const r = await addCard('alice', id, signExt(await ticket(emu, tok), id))
    expect(r.status).toBe(200)
    const enc = (r.json.cardList as Json[])[0]!.code as string
    const code = (await api(emu, 'card/code/decrypt', { encrypt_code: enc }, tok)).code as string
    expect(code).toMatch(/^\d{12}$/)
    expect((await api(emu, 'card/code/decrypt', { encrypt_code: enc.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, tok)).errcode).toBe(
      40075,
    )
    const alice = emu.users.get('alice')!
    await until(
      () =>
        rx.bodies.some((b) => b.includes('user_get_card') && b.includes(code) && b.includes(alice.saOpenid) && b.includes(alice.unionid)),
      'user_get_card',
    )
    expect((await http(emu, 'GET', '/__emu/bag/alice')).json.cards).toEqual([
      expect.objectContaining({ cardId: id, code, status: 'NORMAL', balance: 10000 }),
    ])
  })

  test('a wrong signature, a reused nonce, a stale timestamp are refused', async () => {
    const id = await createCard()
    const tk = await ticket(emu, tok)
    expect((await addCard('alice', id, signExt('not-the-ticket', id))).json.errMsg).toBe('addCard:fail invalid signature')
    const once = signExt(tk, id, { nonce: 'fixed-nonce' })
    expect((await addCard('alice', id, once)).status).toBe(200)
    expect((await addCard('alice', id, signExt(tk, id, { nonce: 'fixed-nonce' }))).json.errMsg).toBe('addCard:fail nonce_str has been used')
    expect((await addCard('alice', id, signExt(tk, id, { timestamp: Math.floor(Date.now() / 1000) - 301 }))).json.errMsg).toBe(
      'addCard:fail timestamp expired',
    )
    expect((await addCard('alice', id, signExt(tk, id, { timestamp: 1.5 as unknown as number }))).json.errMsg).toMatch(
      /whole seconds|invalid signature/,
    )
  })

  test('bind_openid, custom codes, get_limit, stock and review', async () => {
    const tk = await ticket(emu, tok)
    const alice = emu.users.get('alice')!
    const bound = await createCard({ bind_openid: true })
    expect((await addCard('alice', bound, signExt(tk, bound))).json.errMsg).toMatch(/openid is required/)
    expect((await addCard('bob', bound, signExt(tk, bound, { openid: alice.saOpenid }))).json.errMsg).toMatch(/bound to another openid/)
    expect((await addCard('alice', bound, signExt(tk, bound, { openid: alice.saOpenid }))).status).toBe(200)

    const custom = await createCard({ use_custom_code: true })
    expect((await addCard('alice', custom, signExt(tk, custom))).json.errMsg).toMatch(/needs a code/)
    expect((await addCard('alice', custom, signExt(tk, custom, { code: 'GIFT-0001' }))).status).toBe(200)
    expect((await addCard('bob', custom, signExt(tk, custom, { code: 'GIFT-0001' }))).json.errMsg).toMatch(/code has been taken/)

    // A gift card must have get_limit 0 (gift-card-api §6.3), so the per-person limit is shown on a general card.
    const limited = await createCard({ get_limit: 1, sku: { quantity: 2 } }, { sub_card_type: undefined })
    expect((await addCard('alice', limited, signExt(tk, limited))).status).toBe(200)
    expect((await addCard('alice', limited, signExt(tk, limited))).json.errMsg).toMatch(/get_limit 1 reached/)
    expect((await addCard('bob', limited, signExt(tk, limited))).status).toBe(200)
    expect((await addCard('carol', limited, signExt(tk, limited))).json.errMsg).toMatch(/out of stock/)

    const e2 = await startEmu(rx, { reviewSeconds: 3600 })
    const t2 = await token(e2)
    const pending = (await api(e2, 'card/create', giftCard(), t2)).card_id as string
    const tk2 = await ticket(e2, t2)
    const add2 = (u: string) =>
      http(e2, 'POST', '/__emu/client/addCard', { user: u, cardList: [{ cardId: pending, cardExt: signExt(tk2, pending) }] })
    expect((await add2('alice')).json.errMsg).toMatch(/under review/)
    expect((await api(e2, 'card/testwhitelist/set', { openid: [e2.users.get('alice')!.saOpenid] }, t2)).errcode).toBe(0)
    expect((await add2('alice')).status).toBe(200)
    await e2.stop()
  })
})

describe('codes', () => {
  async function issued(base: Json = {}): Promise<{ id: string; code: string }> {
    const id = await createCard(base)
    const r = await addCard('alice', id, signExt(await ticket(emu, tok), id))
    const code = (await api(emu, 'card/code/decrypt', { encrypt_code: (r.json.cardList as Json[])[0]!.code }, tok)).code as string
    return { id, code }
  }

  test('status transitions: NORMAL → CONSUMED (40099 after), UNAVAILABLE (40127), check_consume', async () => {
    const { id, code } = await issued()
    expect(await api(emu, 'card/code/get', { card_id: id, code, check_consume: true }, tok)).toMatchObject({
      errcode: 0,
      user_card_status: 'NORMAL',
      can_consume: true,
      openid: emu.users.get('alice')!.saOpenid,
    })
    expect((await api(emu, 'card/code/consume', { card_id: id, code }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/code/consume', { card_id: id, code }, tok)).errcode).toBe(40099)
    expect((await api(emu, 'card/code/get', { card_id: id, code, check_consume: true }, tok)).errcode).toBe(40099)
    expect((await api(emu, 'card/code/get', { card_id: id, code }, tok)).user_card_status).toBe('CONSUMED')
    const second = await issued()
    expect((await api(emu, 'card/code/unavailable', { card_id: second.id, code: second.code }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/code/consume', { card_id: second.id, code: second.code }, tok)).errcode).toBe(40127)
    expect((await api(emu, 'card/code/get', { code: '000000000000' }, tok)).errcode).toBe(40056)
    await until(() => rx.bodies.some((b) => b.includes('user_consume_card') && b.includes(code)), 'user_consume_card')
  })

  test('updateuser sets the full balance shown in the bag', async () => {
    const { id, code } = await issued()
    expect(
      await api(emu, 'card/generalcard/updateuser', { card_id: id, code, balance: 7000, record_balance: '消费30元' }, tok),
    ).toMatchObject({ errcode: 0, result_balance: 7000 })
    expect((await http(emu, 'GET', '/__emu/bag/alice')).json.cards).toEqual([
      expect.objectContaining({ balance: 7000, recordBalance: '消费30元' }),
    ])
  })

  test('marks: 40146 for another openid, 40416 to unmark as another, released after 5 minutes', async () => {
    const { id, code } = await issued()
    const mark = (openid: string, is_mark: boolean) => api(emu, 'card/code/mark', { card_id: id, code, openid, is_mark }, tok)
    expect((await mark('oA', true)).errcode).toBe(0)
    expect((await mark('oB', true)).errcode).toBe(40146)
    expect((await mark('oB', false)).errcode).toBe(40416)
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 300 })
    expect((await mark('oB', true)).errcode).toBe(0)
  })

  test('gifting stops at max_give_friend_times (gift-card-api §6.3): a card given once with a limit of 1 cannot be given again', async () => {
    const { id, code } = await issued({ max_give_friend_times: 1 })
    const g = await http(emu, 'POST', '/__emu/client/gift', { from: 'alice', to: 'bob', cardId: id, code })
    expect(g.json.status).toBe('ACCEPTED')
    const again = await http(emu, 'POST', '/__emu/client/gift', { from: 'bob', to: 'carol', cardId: id, code: g.json.code })
    expect([again.status, again.json.errMsg]).toEqual([400, expect.stringMatching(/^gift:fail .*max_give_friend_times/)])
  })

  test('gifting: accepted at once gives the friend a new code and retires the old; unaccepted returns after 24 h', async () => {
    // Given twice below (alice → bob, then bob → carol): max_give_friend_times 2.
    const { id, code } = await issued({ max_give_friend_times: 2 })
    const g = await http(emu, 'POST', '/__emu/client/gift', { from: 'alice', to: 'bob', cardId: id, code })
    expect(g.json).toMatchObject({ status: 'ACCEPTED', oldCode: code })
    const newCode = g.json.code as string
    expect(newCode).not.toBe(code)
    expect((await http(emu, 'GET', '/__emu/bag/alice')).json.cards).toEqual([])
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toEqual([
      expect.objectContaining({ cardId: id, code: newCode, balance: 10000 }),
    ])
    const bob = emu.users.get('bob')!
    await until(
      () =>
        rx.bodies.some(
          (b) =>
            b.includes('user_get_card') &&
            b.includes('<IsGiveByFriend><![CDATA[1]]>') &&
            b.includes(`<OldUserCardCode><![CDATA[${code}]]>`) &&
            b.includes(bob.saOpenid),
        ),
      'user_get_card from a friend',
    )
    await until(() => rx.bodies.some((b) => b.includes('user_gifting_card') && b.includes(code)), 'user_gifting_card')

    const pending = await http(emu, 'POST', '/__emu/client/gift', { from: 'bob', to: 'carol', cardId: id, code: newCode, accept: false })
    expect(pending.json.status).toBe('GIFTING')
    expect((await api(emu, 'card/code/get', { card_id: id, code: newCode }, tok)).user_card_status).toBe('GIFTING')
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 24 * 3600 })
    tok = await token(emu) // the old one expired during the 24 hours
    expect((await api(emu, 'card/code/get', { card_id: id, code: newCode }, tok)).user_card_status).toBe('NORMAL')
    await until(
      () => rx.bodies.some((b) => b.includes('user_gifting_card') && b.includes('<IsReturnBack><![CDATA[1]]>')),
      'the return push',
    )
  })
})

describe('pushes', () => {
  test('a wrong reply to an ordinary event is retried 3 times, then given up; every attempt is logged', async () => {
    rx.reply = () => ({ status: 200, body: 'nope' })
    const id = await createCard()
    await addCard('alice', id, signExt(await ticket(emu, tok), id))
    await until(
      async () => ((await http(emu, 'GET', '/__emu/pushes?status=failed')).json.pushes as Json[]).some((p) => p.event === 'user_get_card'),
      'failed push',
    )
    const p = ((await http(emu, 'GET', '/__emu/pushes')).json.pushes as Json[]).find((x) => x.event === 'user_get_card')!
    expect(p).toMatchObject({ status: 'failed', attempts: 4, lastReply: 'nope' })
  })

  test('gift-card events need <xml>ok</xml>: success is not enough; retried until it comes', async () => {
    let calls = 0
    rx.reply = (xml) => ({ status: 200, body: xml.includes('giftcard_') && ++calls >= 3 ? '<xml>ok</xml>' : 'success' })
    const id = await createCard()
    const page = await api(emu, 'card/giftcard/page/add', shelf(id), tok)
    const buy = await http(emu, 'POST', '/__emu/giftcard/buy', {
      user: 'bob',
      pageId: page.page_id,
      items: [{ cardId: id, backgroundPicUrl: 'http://mmbiz.qpic.cn/f', message: '生日快乐' }],
      forSelf: true,
    })
    expect(buy.status).toBe(200)
    await until(
      async () =>
        ((await http(emu, 'GET', '/__emu/pushes?status=delivered')).json.pushes as Json[]).some((p) => p.event === 'giftcard_pay_done'),
      'gift-card push delivered',
    )
    const p = ((await http(emu, 'GET', '/__emu/pushes')).json.pushes as Json[]).find((x) => x.event === 'giftcard_pay_done')!
    expect(p.attempts).toBe(3)
  })

  test('safe mode: pushes are encrypted and signed with msg_signature', async () => {
    const e2 = await startEmu(rx, { push: { mode: 'safe' } as never })
    const t = await token(e2)
    const id = (await api(e2, 'card/create', giftCard(), t)).card_id as string
    await until(() => rx.bodies.some((b) => b.includes('<Encrypt>')), 'an encrypted push')
    expect(rx.bodies.find((b) => b.includes('<Encrypt>'))).not.toContain(id)
    await e2.stop()
  })
})

describe('hosted shelf, orders and refunds', () => {
  test('a purchase is an order as order/get shows it; batchget pages; a refund takes the card out of the bag', async () => {
    const id = await createCard()
    const page = await api(emu, 'card/giftcard/page/add', shelf(id), tok)
    expect(String(page.page_id)).toMatch(/[+/=]|^[A-Za-z0-9]+$/)
    const buy = await http(emu, 'POST', '/__emu/giftcard/buy', {
      user: 'bob',
      pageId: page.page_id,
      items: [{ cardId: id, backgroundPicUrl: 'http://mmbiz.qpic.cn/f', message: '生日快乐' }],
      forSelf: true,
      outerStr: 'menu',
    })
    const orderId = (buy.json.order as Json).order_id as string
    const order = (await api(emu, 'card/giftcard/order/get', { order_id: orderId }, tok)).order as Json
    expect(order).toMatchObject({
      order_id: orderId,
      page_id: page.page_id,
      total_price: 1,
      open_id: emu.users.get('bob')!.saOpenid,
      outer_str: 'menu',
    })
    expect(order.trans_id).toMatch(/^\d+$/)
    expect(order.card_list[0]).toMatchObject({
      card_id: id,
      price: 1,
      default_gifting_msg: '生日快乐',
      background_pic_url: 'http://mmbiz.qpic.cn/f',
    })
    const now = Math.floor(Date.now() / 1000)
    const list = await api(
      emu,
      'card/giftcard/order/batchget',
      { begin_time: now - 86400, end_time: now + 60, sort_type: 'ASC', offset: 0, count: 100 },
      tok,
    )
    expect(list).toMatchObject({ total_count: 1 })
    expect(
      (
        await api(
          emu,
          'card/giftcard/order/batchget',
          { begin_time: now - 40 * 86400, end_time: now, sort_type: 'ASC', offset: 0, count: 1 },
          tok,
        )
      ).errcode,
    ).toBe(40097)
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toHaveLength(1)
    expect((await api(emu, 'card/giftcard/order/refund', { order_id: orderId }, tok)).errcode).toBe(0)
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toEqual([])
  })

  test('sent to a friend: unaccepted for 24 hours, the cards return to the buyer', async () => {
    const id = await createCard()
    const page = await api(emu, 'card/giftcard/page/add', shelf(id), tok)
    await http(emu, 'POST', '/__emu/giftcard/buy', { user: 'bob', pageId: page.page_id, items: [{ cardId: id }], toChatRoom: false })
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toEqual([expect.objectContaining({ status: 'GIFTING' })])
    await http(emu, 'POST', '/__emu/clock', { advanceSeconds: 24 * 3600 })
    expect((await http(emu, 'GET', '/__emu/bag/bob')).json.cards).toEqual([expect.objectContaining({ status: 'NORMAL' })])
    await until(
      () => rx.bodies.some((b) => b.includes('giftcard_send_to_friend') && b.includes('<IsReturnBack><![CDATA[true]]>')),
      'the return push',
    )
  })
})

describe('faults, data cube and pay-then-member rules', () => {
  test('an injected errcode reaches the caller for the next N calls of that path only', async () => {
    expect((await http(emu, 'POST', '/__emu/faults', { path: '/card/batchget', errcode: -1, times: 2 })).status).toBe(200)
    const call = () => api(emu, 'card/batchget', { offset: 0, count: 10 }, tok)
    expect((await call()).errcode).toBe(-1)
    expect((await call()).errcode).toBe(-1)
    expect((await call()).errcode).toBe(0)
    expect((await http(emu, 'POST', '/__emu/faults', { path: '/card/nope', errcode: 1 })).status).toBe(400)
  })

  test('a dropped reply: the work is done, the caller sees the connection close', async () => {
    const { id } = await (async () => ({ id: await createCard() }))()
    await http(emu, 'POST', '/__emu/faults', { path: 'card/modifystock', dropReply: true })
    await expect(api(emu, 'card/modifystock', { card_id: id, increase_stock_value: 5 }, tok)).rejects.toThrow()
    const base = ((await api(emu, 'card/get', { card_id: id }, tok)) as Json).card.general_card.base_info
    expect(base.sku.quantity).toBe(50000005)
  })

  test('data cube: 61500 for a bad date, 61501 past 62 days, counters by day', async () => {
    expect(
      (await api(emu, 'datacube/getcardbizuininfo', { begin_date: '2015/06/15', end_date: '2015-06-30', cond_source: 0 }, tok)).errcode,
    ).toBe(61500)
    expect(
      (await api(emu, 'datacube/getcardbizuininfo', { begin_date: '2015-01-01', end_date: '2015-03-04', cond_source: 0 }, tok)).errcode,
    ).toBe(61501)
    const id = await createCard()
    await addCard('alice', id, signExt(await ticket(emu, tok), id))
    const today = new Date((Math.floor(Date.now() / 1000) + 8 * 3600) * 1000).toISOString().slice(0, 10)
    const r = (await api(emu, 'datacube/getcardcardinfo', { begin_date: today, end_date: today, cond_source: 1, card_id: id }, tok)) as Json
    expect(r.list).toEqual([expect.objectContaining({ ref_date: today, card_id: id, receive_cnt: 1 })])
  })

  test('pay-then-member: 72003 for a card that is not a member card, 72001 for a foreign mchid', async () => {
    const id = await createCard()
    const rule = (card_id: string, mchid: string) => ({
      rule_info: {
        type: 'RULE_TYPE_PAY_MEMBER_CARD',
        base_info: { mchid_list: [mchid], begin_time: 1700000000, end_time: 2000000000 },
        member_rule: { card_id, least_cost: 1, max_cost: 100 },
      },
    })
    expect((await api(emu, 'card/paygiftcard/add', rule(id, '1900000109'), tok)).errcode).toBe(72003)
    const member = {
      card: {
        card_type: 'MEMBER_CARD',
        member_card: {
          ...giftCard().card.general_card,
          sub_card_type: undefined,
          prerogative: '会员特权',
          supply_bonus: false,
          supply_balance: false,
        },
      },
    }
    const mid = (await api(emu, 'card/create', member, tok)).card_id as string
    // §8.4.1: each mchid succeeds or fails on its own, in fail_mchid_list (72001 another subject, 72004 taken).
    // member-card-management line 315: 72001 when the card's and the mchid's subjects differ (not the pay whitelist).
    emu.platform.foreignMchids = new Set(['1900000109'])
    expect(await api(emu, 'card/paygiftcard/add', rule(mid, '1900000109'), tok)).toMatchObject({
      errcode: 0,
      rule_id: 0,
      succ_mchid_list: [],
      fail_mchid_list: [{ mchid: '1900000109', errcode: 72001 }],
    })
    emu.platform.foreignMchids = new Set()
    const first = await api(emu, 'card/paygiftcard/add', rule(mid, '1900000109'), tok)
    expect(first).toMatchObject({ errcode: 0, succ_mchid_list: ['1900000109'], fail_mchid_list: [] })
    expect(Number.isInteger(first.rule_id)).toBe(true)
    expect(await api(emu, 'card/paygiftcard/add', rule(mid, '1900000109'), tok)).toMatchObject({
      errcode: 0,
      fail_mchid_list: [{ mchid: '1900000109', errcode: 72004, occupy_rule_id: first.rule_id }],
    })
  })
})

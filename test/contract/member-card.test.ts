// Member cards against member-card-management.en.txt, on both sides: the client's validators and the
// emulator, each checked against the document's own JSON examples and its words — never against each other.
import type { WechatEmulator } from '../../emulator/wechat/emulator'
import { checkMemberCreate, checkMemberUpdate } from '../../server/wechat/member-card-rules'
import { checkPayGiftRule, type PayGiftCardRule } from '../../server/wechat/paygiftcard'
import { WxRuleError } from '../../server/wechat/errors'
import { api, http, signExt, startEmu, startReceiver, ticket, token, until, type Receiver } from '../helpers/emulator'
import type { Json } from '../helpers/stack'

// ---------- the document's examples, verbatim (JSON comments removed) ----------

/** §8.2 POST data (the "//也可以填写wx_activate" comment removed). */
const UPDATE_82 = {
  card_id: 'ph_gmt7cUVrlRk8swPwx7aDyF-pg',
  member_card: {
    background_pic_url: 'https://mmbiz.qlogo.cn/mmbiz/0?wx_fmt=jpeg',
    base_info: {
      logo_url: 'http://mmbiz.qpic.cn/uploads/allimg/120216/1_120216214725_1.jpg',
      color: 'Color010',
      notice: '使用时向服务员出示此券',
      service_phone: '020-88888888',
      description:
        '不可与其他优惠同享\n如需团购券发票,请在消费时向商户提出\n店内均可使用,仅限堂食\n餐前不可打包,餐后未吃完,可打包\n本团购券不限人数,建议2人使用,超过建议人数须另收酱料费5元/位\n本单谢绝自带酒水饮料',
      location_id_list: [123, 12321, 345345],
    },
    bonus_cleared: 'aaaaaaaaaaaaaa',
    bonus_rules: 'aaaaaaaaaaaaaa',
    prerogative: '',
    auto_activate: true,
  },
}
/** §8.3 with card ids only (the document's example also fills url, which voids the card ids). */
const RECOMMEND_83 = {
  card_id: 'pbLatjkoa7luhR3zIBjtQiaYtnz4',
  member_card: {
    activate_msg_operation: {
      url_cell: { card_id_list: ['pbLatjhcI6XUxJWA0Au3Gaq5eFPs'], end_time: 1492724561, text: '恭喜你获得一张50元代金券' },
    },
  },
}
/** §8.4.1 POST data. */
const RULE_841: PayGiftCardRule = {
  type: 'RULE_TYPE_PAY_MEMBER_CARD',
  base_info: { mchid_list: ['123', '456'], begin_time: 1480317217, end_time: 1580317217 },
  member_rule: { card_id: 'abcdefg', least_cost: 2, max_cost: 20000, jump_url: 'www.qq.com' },
}
/** §8.5.2 */
const SWIPE_852 = {
  card_id: 'ph_gmt7cUVrlRk8swPwx7aDyF-pg',
  member_card: { base_info: { pay_info: { swipe_card: { is_swipe_card: true } } } },
}

const refusedField = (fn: () => void): string => {
  try {
    fn()
  } catch (err) {
    if (err instanceof WxRuleError) return err.message
    throw err
  }
  return 'sent'
}

describe('the client’s rules (member-card-management)', () => {
  test('§8.2, §8.3 (card ids only) and §8.5.2 examples pass as written', () => {
    expect(refusedField(() => checkMemberUpdate(UPDATE_82.member_card))).toBe('sent')
    expect(refusedField(() => checkMemberUpdate(RECOMMEND_83.member_card))).toBe('sent')
    expect(refusedField(() => checkMemberUpdate(SWIPE_852.member_card))).toBe('sent')
  })

  test('§8.2: supply_bonus and supply_balance only false→true; fields outside the lists (brand_name) refused; dates only extended', () => {
    expect(refusedField(() => checkMemberUpdate({ supply_bonus: false }, { supply_bonus: true }))).toMatch(
      /member_card\.supply_bonus .*false to true/,
    )
    expect(refusedField(() => checkMemberUpdate({ supply_balance: false }, { supply_balance: true }))).toMatch(
      /member_card\.supply_balance/,
    )
    expect(refusedField(() => checkMemberUpdate({ supply_bonus: true }, { supply_bonus: false }))).toBe('sent')
    expect(refusedField(() => checkMemberUpdate({ base_info: { brand_name: '改名' } }))).toMatch(/base_info\.brand_name cannot be changed/)
    expect(refusedField(() => checkMemberUpdate({ base_info: { sku: { quantity: 1 } } }))).toMatch(/base_info\.sku/)
    const now = { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1700000000, end_timestamp: 1800000000 } }
    expect(
      refusedField(() =>
        checkMemberUpdate({ base_info: { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', end_timestamp: 1790000000 } } }, now),
      ),
    ).toMatch(/end_timestamp can only be extended/)
    expect(
      refusedField(() =>
        checkMemberUpdate({ base_info: { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', end_timestamp: 1810000000 } } }, now),
      ),
    ).toBe('sent')
    expect(refusedField(() => checkMemberUpdate({ base_info: { date_info: { type: 'DATE_TYPE_FIX_TERM' } } }, now))).toMatch(
      /date_info\.type/,
    )
  })

  test('§8.2: wx_activate is mutually exclusive with activate_url; custom_field name_type from the list', () => {
    expect(refusedField(() => checkMemberUpdate({ wx_activate: true, activate_url: 'https://a.b' }))).toMatch(
      /wx_activate is mutually exclusive with activate_url/,
    )
    expect(refusedField(() => checkMemberUpdate({ custom_field1: { name_type: 'FIELD_NAME_TYPE_GOLD' } }))).toMatch(
      /custom_field1\.name_type/,
    )
    expect(refusedField(() => checkMemberUpdate({ custom_field1: { name_type: 'FIELD_NAME_TYPE_LEVEL' } }))).toBe('sent')
    expect(refusedField(() => checkMemberCreate({ prerogative: '特权', supply_bonus: true }))).toMatch(/supply_balance is required/)
  })

  test('§8.3: at most 10 card ids; url and card ids not together (the url would void them)', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `pcard${i}`)
    expect(refusedField(() => checkMemberUpdate({ modify_msg_operation: { url_cell: { card_id_list: ids(10), text: 't' } } }))).toBe('sent')
    expect(refusedField(() => checkMemberUpdate({ modify_msg_operation: { url_cell: { card_id_list: ids(11), text: 't' } } }))).toMatch(
      /card_id_list must hold 1 to 10/,
    )
    expect(
      refusedField(() => checkMemberUpdate({ activate_msg_operation: { url_cell: { card_id_list: ids(1), url: 'www.qq.com' } } })),
    ).toMatch(/mutually exclusive/)
    expect(
      refusedField(() =>
        checkMemberUpdate({ activate_msg_operation: { url_cell: { app_brand_id: 'gh_x@app', app_brand_pass: 'pages/a' } } }),
      ),
    ).toBe('sent')
  })

  test('§8.4.1: the example passes; at most 10 mchid; app_brand_id (not app_brand_user_name)', () => {
    expect(refusedField(() => checkPayGiftRule(RULE_841))).toBe('sent')
    const eleven = { ...RULE_841, base_info: { ...RULE_841.base_info, mchid_list: Array.from({ length: 11 }, (_, i) => String(100 + i)) } }
    expect(refusedField(() => checkPayGiftRule(eleven))).toMatch(/mchid_list must hold 1 to 10/)
    const old = {
      ...RULE_841,
      member_rule: { card_id: 'abcdefg', least_cost: 2, max_cost: 20000, app_brand_user_name: 'gh_x@app' },
    } as unknown as PayGiftCardRule
    expect(refusedField(() => checkPayGiftRule(old))).toMatch(/app_brand_user_name is not a field/)
    expect(
      refusedField(() =>
        checkPayGiftRule({
          ...RULE_841,
          member_rule: { card_id: 'abcdefg', least_cost: 2, max_cost: 20000, app_brand_id: 'gh_x@app', app_brand_pass: 'pages/a' },
        }),
      ),
    ).toBe('sent')
    expect(refusedField(() => checkPayGiftRule({ ...RULE_841, member_rule: { ...RULE_841.member_rule, max_cost: 1 } }))).toMatch(/max_cost/)
  })
})

describe('the emulator (member-card-management)', () => {
  let rx: Receiver
  let emu: WechatEmulator
  let tok: string

  beforeEach(async () => {
    rx = await startReceiver()
    emu = await startEmu(rx)
    tok = await token(emu)
  })
  afterEach(async () => {
    await emu.stop()
    await rx.close()
  })

  const memberCard = (body: Json = {}, base: Json = {}): Json => ({
    card: {
      card_type: 'MEMBER_CARD',
      member_card: {
        base_info: {
          logo_url: 'http://mmbiz.qpic.cn/logo',
          brand_name: '星河咖啡',
          code_type: 'CODE_TYPE_TEXT',
          title: '星河会员卡',
          color: 'Color010',
          notice: '出示会员卡',
          description: '会员说明',
          date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1700000000, end_timestamp: 2000000000 },
          sku: { quantity: 100 },
          ...base,
        },
        prerogative: '会员特权',
        supply_bonus: true,
        supply_balance: false,
        ...body,
      },
    },
  })

  async function create(body: Json = {}): Promise<string> {
    const r = await api(emu, 'card/create', memberCard(body), tok)
    expect(r.errcode).toBe(0)
    return r.card_id as string
  }

  async function held(cardId: string): Promise<string> {
    const r = await http(emu, 'POST', '/__emu/client/addCard', {
      user: 'alice',
      cardList: [{ cardId, cardExt: signExt(await ticket(emu, tok), cardId) }],
    })
    expect(r.status).toBe(200)
    return emu.platform.bagOf(emu.users.get('alice')!).find((c) => c.card_id === cardId)!.code
  }

  test('card/create of a member card needs prerogative, supply_bonus, supply_balance; wx_activate excludes activate_url', async () => {
    expect((await api(emu, 'card/create', memberCard({ prerogative: undefined }), tok)).errcode).toBe(47001)
    expect((await api(emu, 'card/create', memberCard({ supply_balance: undefined }), tok)).errcode).toBe(47001)
    expect((await api(emu, 'card/create', memberCard({ wx_activate: true, activate_url: 'https://a.b' }), tok)).errcode).toBe(40097)
  })

  test('card/update (§8.2): the example’s fields are taken; supply_bonus true→false, brand_name and shrinking dates are refused with 40097', async () => {
    const id = await create()
    expect(await api(emu, 'card/update', { ...UPDATE_82, card_id: id }, tok)).toMatchObject({ errcode: 0, send_check: false })
    expect(await api(emu, 'card/update', { ...SWIPE_852, card_id: id }, tok)).toMatchObject({ errcode: 0 })
    expect(await api(emu, 'card/update', { ...RECOMMEND_83, card_id: id }, tok)).toMatchObject({ errcode: 0 })
    expect((await api(emu, 'card/update', { card_id: id, member_card: { supply_bonus: false } }, tok)).errcode).toBe(40097)
    expect((await api(emu, 'card/update', { card_id: id, member_card: { supply_balance: true } }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/update', { card_id: id, member_card: { supply_balance: false } }, tok)).errcode).toBe(40097)
    expect((await api(emu, 'card/update', { card_id: id, member_card: { base_info: { brand_name: '改名' } } }, tok)).errcode).toBe(40097)
    expect(
      (
        await api(
          emu,
          'card/update',
          { card_id: id, member_card: { base_info: { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', end_timestamp: 1900000000 } } } },
          tok,
        )
      ).errcode,
    ).toBe(40097)
    expect(
      (
        await api(
          emu,
          'card/update',
          { card_id: id, member_card: { base_info: { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', end_timestamp: 2100000000 } } } },
          tok,
        )
      ).errcode,
    ).toBe(0)
    const ids = Array.from({ length: 11 }, (_, i) => `p${i}`)
    expect(
      (await api(emu, 'card/update', { card_id: id, member_card: { modify_msg_operation: { url_cell: { card_id_list: ids } } } }, tok))
        .errcode,
    ).toBe(40097)
  })

  test('§8.1: userinfo/get answers the document’s fields, a number and a sex included; before activation has_active is false', async () => {
    const id = await create()
    const code = await held(id)
    const before = await api(emu, 'card/membercard/userinfo/get', { card_id: id, code }, tok)
    // lines 28 and 30: "membership_number": "316510891298", "sex": "MALE" — never empty: the card's code
    // numbers it until the merchant activates it with its own number; the sex is the WeChat profile's.
    expect(before).toMatchObject({
      errcode: 0,
      openid: expect.any(String),
      nickname: 'alice',
      membership_number: code,
      bonus: 0,
      sex: expect.stringMatching(/^(MALE|FEMALE)$/),
      user_card_status: 'NORMAL',
      has_active: false,
      user_info: { common_field_list: [], custom_field_list: [] },
    })
    expect(await api(emu, 'card/membercard/activate', { card_id: id, code, membership_number: '316510891298' }, tok)).toMatchObject({
      errcode: 0,
    })
    // The same activation again is answered as before; another number is refused.
    expect((await api(emu, 'card/membercard/activate', { card_id: id, code, membership_number: '316510891298' }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/membercard/activate', { card_id: id, code, membership_number: '999' }, tok)).errcode).toBe(40097)
    const after = await api(emu, 'card/membercard/userinfo/get', { card_id: id, code }, tok)
    expect(after).toMatchObject({ has_active: true, membership_number: '316510891298' })
  })

  test('the wx_activate form: values as §8.1 shows them, activation, and submit_membercard_user_info pushed', async () => {
    const id = await create({ wx_activate: true })
    expect(
      (
        await api(
          emu,
          'card/membercard/activateuserform/set',
          { card_id: id, required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_MOBILE', 'USER_FORM_INFO_FLAG_NAME'] } },
          tok,
        )
      ).errcode,
    ).toBe(0)
    expect(
      (
        await api(
          emu,
          'card/membercard/activateuserform/set',
          { card_id: id, required_form: { common_field_id_list: ['USER_FORM_INFO_FLAG_SHOE_SIZE'] } },
          tok,
        )
      ).errcode,
    ).toBe(40097)
    const code = await held(id)
    expect(
      (
        await http(emu, 'POST', '/__emu/client/memberForm', {
          user: 'alice',
          cardId: id,
          code,
          fields: { USER_FORM_INFO_FLAG_MOBILE: '15521328888' },
        })
      ).status,
    ).toBe(400)
    const ok = await http(emu, 'POST', '/__emu/client/memberForm', {
      user: 'alice',
      cardId: id,
      code,
      fields: { USER_FORM_INFO_FLAG_MOBILE: '15521328888', USER_FORM_INFO_FLAG_NAME: '微信' },
    })
    expect(ok.json).toEqual({ activated: true })
    const info = await api(emu, 'card/membercard/userinfo/get', { card_id: id, code }, tok)
    // §8.1's return example, field for field.
    expect(info.user_info).toEqual({
      common_field_list: [
        { name: 'USER_FORM_INFO_FLAG_MOBILE', value: '15521328888' },
        { name: 'USER_FORM_INFO_FLAG_NAME', value: '微信' },
      ],
      custom_field_list: [],
    })
    expect(info.has_active).toBe(true)
    await until(
      () => rx.bodies.some((b) => b.includes('submit_membercard_user_info') && b.includes(code)),
      'submit_membercard_user_info push',
    )
  })

  test('updateuser: full values, bonus xor add_bonus, balance only with supply_balance, never negative; update_member_card pushed', async () => {
    const id = await create()
    const code = await held(id)
    const set = await api(emu, 'card/membercard/updateuser', { card_id: id, code, bonus: 460, record_bonus: '消费得积分' }, tok)
    expect(set).toMatchObject({ errcode: 0, result_bonus: 460, result_balance: 0, openid: expect.any(String) })
    // The same full value again changes nothing (a retry is harmless).
    expect(await api(emu, 'card/membercard/updateuser', { card_id: id, code, bonus: 460 }, tok)).toMatchObject({ result_bonus: 460 })
    expect((await api(emu, 'card/membercard/updateuser', { card_id: id, code, bonus: 1, add_bonus: 1 }, tok)).errcode).toBe(40097)
    expect((await api(emu, 'card/membercard/updateuser', { card_id: id, code, balance: 100 }, tok)).errcode).toBe(40097)
    expect((await api(emu, 'card/membercard/updateuser', { card_id: id, code, add_bonus: -461 }, tok)).errcode).toBe(40097)
    expect(
      (await api(emu, 'card/membercard/updateuser', { card_id: id, code, bonus: 1, custom_field_value1: '超过四个字' }, tok)).errcode,
    ).toBe(40097)
    // A refused call changed nothing.
    expect((await api(emu, 'card/membercard/userinfo/get', { card_id: id, code }, tok)).bonus).toBe(460)
    await until(
      () => rx.bodies.some((b) => b.includes('update_member_card') && /<ModifyBonus>(<!\[CDATA\[)?460(\]\]>)?<\/ModifyBonus>/.test(b)),
      'update_member_card push',
    )
  })

  test('§8.4: rule_id is an integer, getbyid/batchget return the §8.4.3 shape, effective filters to rules in effect', async () => {
    const id = await create()
    for (const m of ['123', '456', '789']) await api(emu, 'card/giftcard/pay/whitelist/add', { sub_mch_id: m }, tok)
    const now = Math.floor(Date.now() / 1000)
    const add = await api(
      emu,
      'card/paygiftcard/add',
      { rule_info: { ...RULE_841, member_rule: { ...RULE_841.member_rule, card_id: id } } },
      tok,
    )
    // §8.4.1's example rule ran 2016–2020: it is stored, but no longer in effect.
    expect(add).toMatchObject({ errcode: 0, rule_id: expect.any(Number), succ_mchid_list: ['123', '456'], fail_mchid_list: [] })
    const live = await api(
      emu,
      'card/paygiftcard/add',
      {
        rule_info: {
          type: 'RULE_TYPE_PAY_MEMBER_CARD',
          base_info: { mchid_list: ['789'], begin_time: now - 60, end_time: now + 3600 },
          member_rule: { card_id: id, least_cost: 2, max_cost: 20000, app_brand_id: 'gh_x@app' },
        },
      },
      tok,
    )
    const got = await api(emu, 'card/paygiftcard/getbyid', { rule_id: add.rule_id }, tok)
    expect(got.rule_info).toEqual({
      type: 'RULE_TYPE_PAY_MEMBER_CARD',
      base_info: {
        mchid_list: ['123', '456'],
        begin_time: 1480317217,
        end_time: 1580317217,
        status: 'RULE_STATUS_OK',
        create_time: expect.any(Number),
        update_time: expect.any(Number),
      },
      member_rule: { card_id: id, least_cost: 2, max_cost: 20000, jump_url: 'www.qq.com' },
    })
    expect(
      await api(emu, 'card/paygiftcard/batchget', { type: 'RULE_TYPE_PAY_MEMBER_CARD', effective: true, offset: 0, count: 10 }, tok),
    ).toMatchObject({
      total_count: 1,
      rule_list: [expect.objectContaining({ member_rule: expect.objectContaining({ app_brand_id: 'gh_x@app' }) })],
    })
    expect(
      (await api(emu, 'card/paygiftcard/batchget', { type: 'RULE_TYPE_PAY_MEMBER_CARD', effective: false, offset: 0, count: 10 }, tok))
        .total_count,
    ).toBe(2)
    const eleven = Array.from({ length: 11 }, (_, i) => String(1000 + i))
    expect(
      (
        await api(
          emu,
          'card/paygiftcard/add',
          {
            rule_info: {
              ...RULE_841,
              base_info: { ...RULE_841.base_info, mchid_list: eleven },
              member_rule: { ...RULE_841.member_rule, card_id: id },
            },
          },
          tok,
        )
      ).errcode,
    ).toBe(40097)
    expect((await api(emu, 'card/paygiftcard/delete', { rule_id: live.rule_id }, tok)).errcode).toBe(0)
    expect((await api(emu, 'card/paygiftcard/getbyid', { rule_id: live.rule_id }, tok)).errcode).toBe(40097)
  })
})

// The demo merchant, created on first start through the product's own code: the `merchant` function,
// called as the first admin in MERCHANT_ADMIN_OPENIDS, creates two gift cards (100 and 500 yuan) and a
// shelf with both. Never by writing emulator state.
import type { LocalCloud } from './cloud/local-cloud'
import { DEMO_FACES, demoFaceUrl } from './wechat/demo-faces'

function giftCard(title: string, fen: number, mpUsername: string, FACES: string[]) {
  const now = Math.floor(Date.now() / 1000)
  return {
    card_type: 'GENERAL_CARD',
    general_card: {
      sub_card_type: 'GIFT_CARD',
      background_pic_url: FACES[0],
      base_info: {
        logo_url: 'https://mmbiz.qpic.cn/mmbiz/demo-logo/0',
        brand_name: '示例咖啡',
        code_type: 'CODE_TYPE_QRCODE',
        title,
        color: 'Color010',
        notice: '使用时出示礼品卡',
        description: '可在小程序内在线消费，也可在门店向收银员出示条码使用；余额以卡包显示为准',
        service_phone: '400-820-8820',
        date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 86400, end_timestamp: now + 3 * 365 * 86400 },
        sku: { quantity: 100000 },
        get_limit: 0,
        use_custom_code: false,
        can_give_friend: true,
        max_give_friend_times: 1,
        giftcard_info: { price: fen },
        center_title: '去使用',
        center_app_brand_user_name: mpUsername,
        center_app_brand_pass: 'pages/card/index',
        custom_url_name: '余额明细',
        custom_app_brand_user_name: mpUsername,
        custom_app_brand_pass: 'pages/card/index',
        need_push_on_view: true,
      },
      supply_balance: true,
      init_balance: fen,
      auto_activate: true,
    },
  }
}

/**
 * `o.cdn` is the emulated WeChat CDN (the emulator's URL): the demo faces are served there, so the URLs
 * the card bag shows load in a browser too. `o.orderPageUrl` is where the shelf's refund and invoice
 * cells lead (the Mini Program's order page).
 */
export async function seedDemoMerchant(
  cloud: LocalCloud,
  admin: string,
  o: { cdn: string; orderPageUrl: string },
): Promise<'seeded' | 'present'> {
  const FACES = DEMO_FACES.map((n) => demoFaceUrl(o.cdn, n))
  const call = async (data: Record<string, unknown>) => {
    const r = (await cloud.runtime.invoke('merchant', data, { openid: admin, source: 'wx_client' })) as Record<string, unknown>
    if (r.errcode !== 0) throw new Error(`seeding the demo merchant: merchant.${String(data.action)} failed: ${String(r.errmsg)}`)
    return r
  }
  if (((await call({ action: 'overview' })).cards as number) > 0) return 'present'
  const mp = 'gh_demo_miniprogram@app'
  const c100 = (await call({ action: 'cardCreate', card: giftCard('100元礼品卡', 10000, mp, FACES) })).cardId as string
  const c500 = (await call({ action: 'cardCreate', card: giftCard('500元礼品卡', 50000, mp, FACES) })).cardId as string
  await call({
    action: 'shelfCreate',
    outerStr: 'demo',
    page: {
      page_title: '礼品卡商城',
      banner_pic_url: 'https://mmbiz.qpic.cn/mmbiz/demo-banner/0',
      support_multi: true,
      // §7.2: buying for oneself is off unless the shelf says true; the demo shop offers it.
      support_buy_for_self: true,
      theme_list: [
        {
          theme_pic_url: 'https://mmbiz.qpic.cn/mmbiz/demo-theme/0',
          title: '送给重要的人',
          title_color: '#B8322A',
          item_list: [
            { card_id: c100, title: '100元' },
            { card_id: c500, title: '500元' },
          ],
          pic_item_list: FACES.map((url) => ({ background_pic_url: url, default_gifting_msg: '愿你被这个世界温柔以待，天天开心' })),
        },
      ],
      // Required by §7.2, and §12.2 makes refund and invoice entries a legal duty: both cells open the
      // order page, to which WeChat appends order_id and openid (§14.2).
      address: '广州市海珠区示例路1号',
      service_phone: '020-12345678',
      biz_description: '退款：点击「申请退款」，在订单页联系客服，未使用的礼品卡原路退回。发票：点击「申请发票」，按订单开具电子发票。',
      cell_1: { title: '申请退款', url: o.orderPageUrl },
      cell_2: { title: '申请发票', url: o.orderPageUrl },
    },
  })
  return 'seeded'
}

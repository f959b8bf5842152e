// merchant: merchant operations for openids in MERCHANT_ADMIN_OPENIDS. The same actions serve the
// `npm run merchant` CLI and the merchant pages of the Mini Program.
import * as m from '../../server/domain/merchant'
import { listOrders, refundOrder, type Channel } from '../../server/domain/merchant-orders'
import { invalid } from '../../server/errors'
import { cloudPayGateway } from '../../server/platform/cloud-pay'
import { createHandler, type Action } from '../../server/platform/handler'
import { syncOptions } from '../../server/platform/settings'
import { asInput, int, optInt, optStr, str } from '../../server/validate'
import type { CardCreateRequest, QrCodeRequest } from '../../server/wechat/card'
import type { GiftCardPage } from '../../server/wechat/giftcard-page'

// Ids are checked before they reach WeChat or the store: an id WeChat would refuse is our 1001, not its errcode.
const CARD_ID = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const CODE = { max: 64, pattern: /^[A-Za-z0-9_-]+$/ }
const PAGE_ID = { max: 128, pattern: /^[A-Za-z0-9_+/=-]+$/ }
const ORDER_ID = { max: 64, pattern: /^[A-Za-z0-9_+/=-]+$/ }
const CHANNELS = ['mp', 'checkout', 'shelf'] as const

/** WeChat's reply without its own errcode/errmsg (ours wrap it). */
async function wxResult(p: Promise<object>): Promise<Record<string, unknown>> {
  const { errcode, errmsg, ...rest } = (await p) as Record<string, unknown>
  void errcode
  void errmsg
  return rest
}

/** Every merchant action checks the caller first. */
function admin(run: Action): Action {
  return async (input, ctx) => {
    m.assertMerchantAdmin(ctx.caller.openid)
    return run(input, ctx)
  }
}

export const main = createHandler('merchant', {
  overview: admin(async (_i, ctx) => m.overview(ctx.store)),
  cardCreate: admin(async (i, ctx) => m.createGiftCard(ctx.store, ctx.wx(), { card: asInput(i.card, 'card') } as unknown as CardCreateRequest)),
  cardGet: admin(async (i, ctx) => wxResult(ctx.wx().card.get(str(i, 'cardId', CARD_ID)))),
  cardUpdate: admin(async (i, ctx) => wxResult(ctx.wx().card.update(asInput(i.update, 'update') as { card_id: string }))),
  cardList: admin(async (_i, ctx) => m.listGiftCards(ctx.store)),
  cardStock: admin(async (i, ctx) => {
    const delta = int(i, 'delta', { min: -100_000_000, max: 100_000_000 })
    return wxResult(ctx.wx().card.modifyStock({ card_id: str(i, 'cardId', CARD_ID), ...(delta >= 0 ? { increase_stock_value: delta } : { reduce_stock_value: -delta }) }))
  }),
  whitelistSet: admin(async (i, ctx) => wxResult(ctx.wx().card.testWhitelistSet(asInput(i.whitelist, 'whitelist') as { openid?: string[]; username?: string[] }))),
  qrcodeCreate: admin(async (i, ctx) => wxResult(ctx.wx().card.qrcodeCreate(asInput(i.qrcode, 'qrcode') as unknown as QrCodeRequest))),
  shelfCreate: admin(async (i, ctx) => m.createShelf(ctx.store, ctx.wx(), asInput(i.page, 'page') as unknown as GiftCardPage, optStr(i, 'outerStr', { max: 64 }))),
  shelfGet: admin(async (i, ctx) => m.getShelf(ctx.wx(), str(i, 'pageId', PAGE_ID))),
  shelfUpdate: admin(async (i, ctx) => {
    const page = asInput(i.page, 'page')
    str(page, 'page_id', PAGE_ID)
    return m.updateShelf(ctx.store, ctx.wx(), page as unknown as GiftCardPage & { page_id: string })
  }),
  shelfList: admin(async (_i, ctx) => m.listShelves(ctx.store, ctx.wx())),
  shelfTakedown: admin(async (i, ctx) => m.takedownShelf(ctx.store, ctx.wx(), i.all === true ? { all: true } : { pageId: str(i, 'pageId', PAGE_ID) }, i.maintain !== false)),
  shelfLink: admin(async (i) => ({ link: m.shelfLink(str(i, 'pageId', PAGE_ID), optStr(i, 'outerStr', { max: 64 })) })),
  orderList: admin(async (i, ctx) => {
    const channel = optStr(i, 'channel', { max: 8 })
    if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel)) throw invalid('channel', `must be one of ${CHANNELS.join(', ')}`)
    return listOrders(ctx.store, { channel: channel as Channel | undefined, offset: optInt(i, 'offset', { min: 0, max: 10_000 }) ?? 0, limit: optInt(i, 'limit', { min: 1, max: 100 }) ?? 20 })
  }),
  orderGet: admin(async (i, ctx) => m.getShelfOrder(ctx.store, str(i, 'orderId', ORDER_ID))),
  orderRefund: admin(async (i, ctx) => refundOrder(ctx.store, ctx.wx(), cloudPayGateway, str(i, 'orderId', ORDER_ID), optStr(i, 'reason', { max: 64 }) ?? '商户退款')),
  orderReconcile: admin(async (i, ctx) => m.reconcileShelfOrders(ctx.store, ctx.wx(), int(i, 'beginTime', { min: 0 }), int(i, 'endTime', { min: 0 }))),
  cardAdjust: admin(async (i, ctx) =>
    m.adjustBalance(ctx.store, ctx.wx(), {
      cardId: str(i, 'cardId', CARD_ID),
      code: str(i, 'code', CODE),
      amount: int(i, 'amount', { min: -100_000_000, max: 100_000_000 }),
      key: str(i, 'key', { max: 64, pattern: /^[A-Za-z0-9_:.-]+$/ }),
      reason: str(i, 'reason', { max: 14 }),
    }, syncOptions()),
  ),
  invoiceSet: admin(async (i, ctx) => m.setInvoice(ctx.wx(), { paymch: i.paymch as { mchid: string; s_pappid: string } | undefined, authField: i.authField as object | undefined })),
  invoiceGet: admin(async (_i, ctx) => m.getInvoice(ctx.wx())),
  // gift-card-api §8.1.1 sends sub_mch_id (the sub-merchant number).
  payWhitelistAdd: admin(async (i, ctx) => wxResult(ctx.wx().giftCardPay.whitelistAdd(str(i, 'subMchId', { max: 20 })))),
  // Pictures must be on WeChat's CDN before a card or shelf names them (gift-card-api §6.1).
  imageUpload: admin(async (i, ctx) => {
    const bytes = Buffer.from(str(i, 'imageBase64', { max: 1_400_000, pattern: /^[A-Za-z0-9+/]+=*$/ }), 'base64')
    return wxResult(ctx.wx().media.uploadImg(bytes, optStr(i, 'filename', { max: 64 }) ?? 'image'))
  }),
  submchBind: admin(async (i, ctx) => wxResult(ctx.wx().giftCardPay.submchBind({ sub_mch_id: str(i, 'subMchId', { max: 20 }), wxa_appid: str(i, 'wxaAppid', { max: 32 }) }))),
  wxaSet: admin(async (i, ctx) => wxResult(ctx.wx().giftCardPay.wxaSet({ wxa_appid: str(i, 'wxaAppid', { max: 32 }), page_id: str(i, 'pageId', PAGE_ID) }))),
})

// The data cube for the merchant dashboard (friend-coupons.zh.txt 拉取卡券概况数据 / 获取朋友的券数据):
// the day-by-day totals of views, claims (receive), redemptions (verify), gifts and expiries, and the
// same per card. The client checks the documents' limits before asking (≤ 62 days, YYYY-MM-DD).
import type { WechatClient } from '../../wechat/client'
import { clock } from '../../clock'

/** A date as YYYY-MM-DD in China time (UTC+8), which is how the data cube names its days. */
export function chinaDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10)
}

export async function cardStats(wx: WechatClient, q: { beginDate?: string; endDate?: string; cardId?: string }) {
  const end = q.endDate ?? chinaDate(clock.now())
  const begin = q.beginDate ?? chinaDate(Date.parse(`${end}T00:00:00Z`) - 6 * 86400_000)
  // cond_source 1: cards created through the API, as this product creates them.
  const query = { begin_date: begin, end_date: end, cond_source: 1 as const }
  const [days, cards] = await Promise.all([
    wx.datacube.cardBizuinInfo(query),
    wx.datacube.cardCardInfo({ ...query, ...(q.cardId ? { card_id: q.cardId } : {}) }),
  ])
  const pick = (r: Record<string, unknown>) => ({
    date: String(r.ref_date),
    views: Number(r.view_cnt ?? 0),
    claims: Number(r.receive_cnt ?? 0),
    redemptions: Number(r.verify_cnt ?? 0),
    gifts: Number(r.given_cnt ?? 0),
    expired: Number(r.expire_cnt ?? 0),
  })
  return {
    beginDate: begin,
    endDate: end,
    days: days.list.map(pick),
    cards: cards.list.map((r) => ({ cardId: String(r.card_id), ...pick(r) })),
  }
}

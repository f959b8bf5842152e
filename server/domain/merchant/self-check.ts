// merchant.selfCheck: is this environment (local or deployed) ready to sell? Each check is one thing a
// merchant's engineer can fix, with the fix in Chinese (docs/deploy.md has the steps in full). A check
// that throws fails by itself: the others still run, so one missing setting does not hide the rest.
//
// What a function can see decides how each is checked:
// - another function's variables: only that function sees them, so each is asked through its `ping`
//   (server/platform/ping.ts), which names what it lacks and never a value;
// - the Service Account's secret and the IP whitelist: a cgi-bin/stable_token fetch. The whitelist guards
//   the token fetch itself (40164 "invalid ip …, not in whitelist"), so a cached token proves nothing;
//   the stable token is its own credential (getStableAccessToken: it does not replace the ordinary
//   access_token the functions share), so the check disturbs nobody;
// - the wx_card api_ticket: through the shared ticket, as card_ext signing gets it;
// - the cron and pushes: the records they leave (upkeep_runs, events), read directly, since the rooms
//   owning them (upkeep, events) sit above this one. An event is stored only after its signature (and in
//   safe mode its msg_signature and decryption) checked out (events/push-receiver.ts), so the newest
//   stored event is the last push received and verified.
// Indexes cannot be listed from a function: `npm run merchant -- doctor` checks them beside this.
import { FUNCTION_NAMES, missingSettings, type FunctionName } from '../../config'
import { Collections } from '../../store/collections'
import { where, type Store, type StoredDoc } from '../../store/port'
import type { EntitlementDoc } from '../cards/order-types'
import { merchantAdvice } from '../../wechat/advice'
import type { WechatClient } from '../../wechat/client'
import { WxApiError, WxTransportError } from '../../wechat/errors'
import { clock } from '../../clock'

export interface Check {
  /** a stable id: env:<function>, accessToken, cardTicket, cron, push, subMchId (the doctor adds indexes) */
  name: string
  /** what is checked, in Chinese */
  label: string
  ok: boolean
  /** what to do, in Chinese, when it failed */
  advice?: string
  /** what was found (a time, a count), when it helps */
  detail?: string
}

export interface SelfCheckDeps {
  store: Store
  /** this function's Service Account client (throws when the function lacks its settings) */
  wx: () => WechatClient
  /** this function's environment variables */
  env: NodeJS.ProcessEnv
  /** this function's name: its own variables are read, the others' asked through ping */
  self: FunctionName
  ping: (fn: FunctionName) => Promise<{ missing: string[] } | { error: string }>
  now?: () => number
}

/** The cron runs every 5 minutes (cloudfunctions/cron/config.json); two missed runs fail the check. */
export const CRON_WINDOW_MS = 10 * 60_000

const DEPLOY_DOC = 'docs/deploy.md'
const MP_BASIC = '微信公众平台 →「设置与开发」→「基本配置」'

const CRON_LABEL = '定时任务 cron 最近 10 分钟内运行过'
const PUSH_LABEL = '收到并验证过微信推送（服务器配置）'
const envLabel = (fn: FunctionName) => `云函数 ${fn} 的环境变量`

const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')

async function envCheck(d: SelfCheckDeps, fn: FunctionName): Promise<Check> {
  const label = envLabel(fn)
  const r = fn === d.self ? { missing: missingSettings(fn, d.env) } : await d.ping(fn)
  if ('error' in r) {
    return {
      name: `env:${fn}`,
      label,
      ok: false,
      advice: `无法调用云函数 ${fn}（${r.error}）。请确认它已部署（npm run deploy）且能正常运行，在云开发控制台 → 云函数 → ${fn} → 日志中查看原因。`,
    }
  }
  if (r.missing.length === 0) return { name: `env:${fn}`, label, ok: true }
  return {
    name: `env:${fn}`,
    label,
    ok: false,
    detail: `缺少 ${r.missing.join('、')}`,
    advice: `云函数 ${fn} 缺少环境变量 ${r.missing.join('、')}。请在部署前的环境中设置后重新运行 npm run deploy，或在云开发控制台 → 云函数 → ${fn} →「函数配置」→「环境变量」中填写（每个变量的含义与取值见 ${DEPLOY_DOC}「环境变量」）。`,
  }
}

/** The fix for a failed token or ticket fetch: the secret, the appid, the whitelist, a permission, the network. */
function wechatAdvice(err: unknown): string {
  if (err instanceof WxApiError) {
    if (err.errcode === 40125 || err.errcode === 40001) {
      return `WX_SA_SECRET 与公众号的 AppSecret 不符（errcode ${err.errcode}）。请在${MP_BASIC}→「开发者密码(AppSecret)」核对或重置，把它填入每个云函数的 WX_SA_SECRET 后重新部署。`
    }
    if (err.errcode === 40013)
      return `WX_SA_APPID 不是有效的公众号 AppID（errcode 40013）。请在${MP_BASIC}→「开发者ID(AppID)」复制后填入每个云函数的 WX_SA_APPID。`
    return (
      merchantAdvice(err.errcode, err.endpoint, err.errmsg) ??
      `微信返回 errcode ${err.errcode}：${err.errmsg}。请对照微信全局返回码说明处理后重试。`
    )
  }
  if (err instanceof WxTransportError)
    return `连不上微信接口（${err.message}）。请确认云函数能访问 api.weixin.qq.com（WX_API_BASE 未被改错）后重试。`
  return `检查未能完成：${(err as Error)?.message ?? String(err)}`
}

async function accessTokenCheck(d: SelfCheckDeps): Promise<Check> {
  const label = '获取公众号 access_token（AppSecret 与 IP 白名单）'
  try {
    await d.wx().probeToken()
    return { name: 'accessToken', label, ok: true }
  } catch (err) {
    return { name: 'accessToken', label, ok: false, advice: wechatAdvice(err) }
  }
}

async function cardTicketCheck(d: SelfCheckDeps): Promise<Check> {
  const label = '卡券 api_ticket（wx_card，签 card_ext 所需）'
  try {
    await d.wx().cardTicket.get()
    return { name: 'cardTicket', label, ok: true }
  } catch (err) {
    return { name: 'cardTicket', label, ok: false, advice: wechatAdvice(err) }
  }
}

/** The fields of upkeep/runner.ts's record that this check reads. */
interface UpkeepRun extends StoredDoc {
  trigger: string
  finishedAt: number
}

async function cronCheck(d: SelfCheckDeps, now: number): Promise<Check> {
  const label = CRON_LABEL
  const last = await d.store.get<UpkeepRun>(Collections.upkeepRuns, 'last')
  if (last && now - last.finishedAt <= CRON_WINDOW_MS)
    return { name: 'cron', label, ok: true, detail: `上次 ${beijing(last.finishedAt)}（北京时间）` }
  return {
    name: 'cron',
    label,
    ok: false,
    detail: last ? `上次 ${beijing(last.finishedAt)}（北京时间）` : '从未运行',
    advice:
      '云函数 cron 最近 10 分钟内没有运行（它应每 5 分钟运行一次，刷新凭证、补处理推送与对账）。请确认 cron 已部署且带定时触发器（npm run deploy 会创建），在云开发控制台 → 云函数 → cron →「触发器」与「日志」中查看；本地栈请确认 npm start 在运行。',
  }
}

interface EventRecord extends StoredDoc {
  receivedAt: number
  processed: boolean
  event: { Event?: string }
}

async function pushCheck(d: SelfCheckDeps): Promise<Check> {
  const label = PUSH_LABEL
  // Two queries on the declared (processed, receivedAt) index rather than one on receivedAt alone.
  const newest = async (processed: boolean) =>
    (
      await d.store.find<EventRecord>(Collections.events, { processed }, { orderBy: { field: 'receivedAt', direction: 'desc' }, limit: 1 })
    )[0]
  // A card bought in the Mini Program and funded by its user_get_card push leaves no stored event (its
  // entitlement keeps pushedAt instead: event-processing.ts processOnArrival), so that is read too.
  const funded = (
    await d.store.find<EntitlementDoc>(
      Collections.entitlements,
      { pushedAt: where.gt(0) },
      { orderBy: { field: 'pushedAt', direction: 'desc' }, limit: 1 },
    )
  )[0]
  const fundedAsEvent: EventRecord[] = funded?.pushedAt
    ? [{ _id: funded._id, receivedAt: funded.pushedAt, processed: true, event: { Event: 'user_get_card' } }]
    : []
  const last = [await newest(true), await newest(false), ...fundedAsEvent]
    .filter((e): e is EventRecord => !!e)
    .sort((a, b) => b.receivedAt - a.receivedAt)[0]
  if (last) return { name: 'push', label, ok: true, detail: `最近一次 ${beijing(last.receivedAt)}（北京时间）${last.event?.Event ?? ''}` }
  return {
    name: 'push',
    label,
    ok: false,
    detail: '还没有收到过',
    advice: `还没有收到并验证过任何微信推送。请在${MP_BASIC}→「服务器配置」中：URL 填云函数 wxpush 的 HTTP 访问地址，Token 与 EncodingAESKey 分别与 wxpush 的 WX_PUSH_TOKEN、WX_PUSH_AES_KEY 完全相同，消息加解密方式选「安全模式」，保存并启用；然后领取一张卡，推送就会到达。配置后仍没有，请在云开发控制台 → 云函数 → wxpush →「日志」中查看 rejected 的原因（签名不符多为 Token 或 EncodingAESKey 不一致）。`,
  }
}

function subMchCheck(d: SelfCheckDeps): Check {
  const label = '微信支付子商户号 WX_PAY_SUBMCH_ID'
  const id = d.env.WX_PAY_SUBMCH_ID ?? ''
  if (/^\d{8,12}$/.test(id)) return { name: 'subMchId', label, ok: true }
  return {
    name: 'subMchId',
    label,
    ok: false,
    detail: id ? '不是商户号（应为 8 至 12 位数字）' : '未设置',
    advice: `WX_PAY_SUBMCH_ID ${id ? '不是微信支付商户号' : '未设置'}。请在云开发控制台 →「设置」→「全局设置」中添加微信支付商户号，由商户号超级管理员在「微信支付商家助手」小程序确认授权给「小程序云开发」，并在微信支付商户平台「我的授权产品」中确认 JSAPI 与 API 退款权限；再把该商户号填入 pay、member、merchant、cron 的 WX_PAY_SUBMCH_ID（见 ${DEPLOY_DOC}「微信支付」）。`,
  }
}

/** Every check, in the order a first deployment fixes them. */
export async function selfCheck(d: SelfCheckDeps): Promise<{ checks: Check[] }> {
  const now = (d.now ?? clock.now)()
  const guarded = async (name: string, label: string, run: () => Promise<Check>): Promise<Check> => {
    try {
      return await run()
    } catch (err) {
      return { name, label, ok: false, advice: `检查未能完成：${(err as Error)?.message ?? String(err)}` }
    }
  }
  const envs = await Promise.all(FUNCTION_NAMES.map((fn) => guarded(`env:${fn}`, envLabel(fn), () => envCheck(d, fn))))
  const [token, ticket, cron, push] = await Promise.all([
    accessTokenCheck(d),
    cardTicketCheck(d),
    guarded('cron', CRON_LABEL, () => cronCheck(d, now)),
    guarded('push', PUSH_LABEL, () => pushCheck(d)),
  ])
  return { checks: [...envs, token, ticket, subMchCheck(d), cron, push] }
}

// cron: timer-triggered upkeep (cloudbaserc.json: every 5 minutes): credentials ahead of expiry, events not
// yet processed, spends a crash left unsettled, balances WeChat has not confirmed, cards whose status WeChat has not confirmed
// recently, hosted-shelf orders a push may have missed, abandoned checkouts, gifts unclaimed for 24 hours, and payments that arrived
// for cancelled checkouts (refunded), refunds WeChat Pay has not yet reported (queryRefund), and the dashboard's rollups (sealed days, drift repaired). Only the timer (or the console) may run it.
// The timer's invocation fans out into one invocation per task group (server/domain/upkeep/runner.ts).
import { syncDirty } from '../../server/domain/sync/balance-sync'
import { expireCheckouts } from '../../server/domain/money/checkout'
import { finishPaidCoupons } from '../../server/domain/coupons/coupon-checkout'
import { returnExpiredGifts } from '../../server/domain/giftcards/gifts'
import { processPending } from '../../server/domain/events/event-processing'
import { reconcileShelfOrders } from '../../server/domain/merchant/operations'
import { rollUpDays } from '../../server/domain/merchant/rollups'
import { prunePushNonces } from '../../server/domain/events/push-nonces'
import { reconcileCards } from '../../server/domain/upkeep/reconcile'
import { settleOpenKeys } from '../../server/domain/money/spend-keys'
import { refundLatePayments, refundStrandedValue } from '../../server/domain/money/refunds'
import { pollRefunds, refundCallbackOf } from '../../server/domain/money/refund-states'
import {
  fanOut,
  groupsOf,
  refreshCredentials,
  runGroup,
  upkeepBudgetMs,
  upkeepConcurrency,
  type UpkeepEntry,
} from '../../server/domain/upkeep/runner'
import { budgetOf } from '../../server/store/sweep'
import { ErrCode } from '../../server/errors'
import { creditPaidRecharges } from '../../server/domain/money/member-recharge'
import { cloudPayGateway } from '../../server/platform/cloud-pay'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { instanceWechat } from '../../server/platform/wechat'
import { callCloudFunction, callerIdentity } from '../../server/platform/wx-cloud'
import { answerPing, isPing } from '../../server/platform/ping'
import { log } from '../../server/log'
import { clock } from '../../server/clock'

/** This function's name: the timer's run invokes it once per task group. */
const CRON_FUNCTION = 'cron'

/** How far back each run reconciles shelf orders (covers a missed push with room to spare). */
const RECONCILE_LOOKBACK_S = 2 * 86400

/** A Mini Program user (an OPENID, or SOURCE wx_client / wx_devtools) may not run upkeep. */
export function refusedCaller(caller: { openid?: string; source?: string }): boolean {
  return !!caller.openid || /^wx_(client|devtools)/.test(caller.source ?? '')
}

export async function main(event: unknown): Promise<Record<string, unknown>> {
  const caller = callerIdentity()
  // merchant.selfCheck asks which variables this function lacks (server/platform/ping.ts).
  if (isPing(event)) return { ...answerPing('cron', caller) }
  if (refusedCaller(caller)) {
    log('warn', { fn: 'cron', refused: 'called by a Mini Program user', source: caller.source ?? '' })
    return { errcode: ErrCode.FORBIDDEN, errmsg: 'cron runs on its timer trigger only' }
  }
  const store = await instanceStore()
  const wx = instanceWechat(store)
  const now = Math.floor(clock.now() / 1000)
  // One line per task: its name, the group (invocation) it runs in, and what it does.
  const tasks: Record<string, UpkeepEntry> = {
    credentials: { group: 'upkeep', run: refreshCredentials(wx) },
    events: { group: 'events', run: (budget) => processPending(store, wx, syncOptions(), budget) },
    // The spends' keys a crash left unsettled (money/spend-keys.ts).
    pendingSpends: { group: 'upkeep', run: async () => ({ keys: await settleOpenKeys(store, wx, syncOptions()) }) },
    balances: { group: 'balances', run: (budget) => syncDirty(store, wx, syncOptions(), budget) },
    cards: { group: 'cards', run: (budget) => reconcileCards(store, wx, budget, undefined, syncOptions()) },
    shelfOrders: { group: 'upkeep', run: () => reconcileShelfOrders(store, wx, now - RECONCILE_LOOKBACK_S, now + 60) },
    checkouts: { group: 'upkeep', run: () => expireCheckouts(store, wx, syncOptions()) },
    latePayments: { group: 'upkeep', run: () => refundLatePayments(store, cloudPayGateway()) },
    strandedValue: { group: 'upkeep', run: () => refundStrandedValue(store, cloudPayGateway()) },
    // Refunds asked for and not yet reported SUCCESS or failed by WeChat Pay (issue 23).
    refunds: { group: 'upkeep', run: () => pollRefunds(store, (collection) => cloudPayGateway(refundCallbackOf(collection))) },
    pushNonces: { group: 'upkeep', run: () => prunePushNonces(store) },
    gifts: { group: 'upkeep', run: (budget) => returnExpiredGifts(store, budget) },
    coupons: { group: 'upkeep', run: () => finishPaidCoupons(store, wx) },
    // Member-card recharges paid but not yet credited (#13).
    memberRecharges: { group: 'upkeep', run: () => creditPaidRecharges(store, wx, syncOptions()) },
    // The dashboard's days sealed from the ledgers and orders, the last days recomputed and drift reported (issue 26).
    rollups: { group: 'upkeep', run: () => rollUpDays(store) },
  }
  const group = (event as { group?: unknown } | null)?.group
  if (group !== undefined) {
    // One group's invocation, started by the timer's run below.
    if (typeof group !== 'string' || !groupsOf(tasks).includes(group)) {
      return { errcode: ErrCode.INVALID_ARGUMENT, errmsg: `group: one of ${groupsOf(tasks).join(', ')}` }
    }
    return { errcode: 0, group, tasks: await runGroup(store, tasks, group, budgetOf(upkeepBudgetMs(), Date.now, upkeepConcurrency())) }
  }
  const trigger = (event as { TriggerName?: string } | null)?.TriggerName ?? 'manual'
  return { errcode: 0, ...(await fanOut(store, trigger, tasks, (g) => callCloudFunction(CRON_FUNCTION, { group: g }))) }
}

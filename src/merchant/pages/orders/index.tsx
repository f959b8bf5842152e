import { Input, Text, View } from '@tarojs/components'
import { useCallback, useEffect, useState } from 'react'
import { dateToSec } from '../../giftcard-form'
import { AsyncState } from '../../../components/AsyncState'
import { DateInput } from '../../../components/DateInput'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Dialog, Tag, TextArea } from '../../../components/ui'
import type { CloudData } from '../../../hooks/useCloudData'
import { useMore } from '../../../hooks/useMore'
import { userMessage } from '../../../services/errors'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { beijingDateTime } from '../../../utils/time'
import { consoleApi, type Channel, type OrderDetail, type OrderFilter, type OrderRow } from '../../api'
import { Gate } from '../../components/Gate'
import { Entries } from '../circulation/entries'

const STATES = ['ISSUED', 'PAID', 'ACCEPTED', 'REFUNDING', 'REFUND_FAILED', 'REFUNDED']
const CHANNELS: Channel[] = ['mp', 'shelf', 'checkout']
/**
 * The search text as the server takes it (no spaces): a card code as the customer's card page shows it
 * (8916 4234 4953) or read aloud with dashes is its digits; an order number copied with a space around it
 * is the number.
 */
export function searchText(typed: string): string | undefined {
  const q = typed.replace(/\s+/g, '')
  return (/^[\d-]+$/.test(q) ? q.replace(/-/g, '') : q) || undefined
}

/** The buyer as the server names them (an alias, never an openid). */
const buyerOf = (o: OrderRow) => o.buyer || '—'
/** The tag of a row (#28): what became of its cards — a refund as WeChat Pay reports it first, then 已用完, 已赠送, 已领取, 已支付. */
const stateOf = (o: OrderRow) =>
  t.console.cardState[o.cardState] ??
  (o.refundStatus ? t.console.refundStatus[o.refundStatus] : (t.merchant.orderState[o.state] ?? o.state))
const TAGS: Record<string, 'danger' | 'warning' | 'default' | 'primary' | 'success'> = {
  REFUND_FAILED: 'danger',
  REFUNDING: 'warning',
  REFUNDED: 'default',
  USED_UP: 'default',
  GIFTED: 'primary',
}
const tagOf = (o: OrderRow) => TAGS[o.cardState] ?? (o.state === 'REFUNDED' ? 'default' : 'success')
/** A paid order the console can refund: no refund asked for yet, and not a late checkout payment (the cron refunds those). */
const refundable = (o: OrderRow) => !o.refundStatus && o.state !== 'REFUNDED' && o.state !== 'REFUND_NEEDED'

/** A 买单 order's original total, coupon and legs (#28). */
function CheckoutParts({ order }: { order: OrderRow }) {
  return (
    <View className='checkout-parts' id='checkout-parts'>
      {order.originalTotal !== undefined && (
        <View className='row small'>
          <Text>{t.console.originalTotal}</Text>
          <Text>{yuan(order.originalTotal)}</Text>
        </View>
      )}
      {order.coupon && (
        <View className='row small' id='checkout-coupon'>
          <Text>
            {t.console.couponOff(order.coupon.title ?? '')}
            {order.coupon.status === 'RESTORED' ? ` · ${t.console.couponRestored}` : ''}
          </Text>
          <Text>-{yuan(order.coupon.discount)}</Text>
        </View>
      )}
      {(order.legs ?? []).map((l) => (
        <View key={l.kind} className='row small' data-leg={l.kind}>
          <Text>
            {l.kind === 'wxpay' ? t.console.legWxpay : t.console.legGiftcard(l.title ?? '', l.codeTail ?? '')}
            {t.console.legState[l.state] ? ` · ${t.console.legState[l.state]}` : ''}
          </Text>
          <Text>{yuan(l.amount)}</Text>
        </View>
      ))}
    </View>
  )
}

/**
 * What the refund dialog says will happen: the amount the server says a refund would give back now (the
 * cards' unspent balance at their price), else the order's total; a 买单 order names each of its parts.
 */
function refundText(o: OrderRow, preview?: number): string {
  if (o.channel !== 'checkout')
    return preview !== undefined && preview !== o.totalPrice
      ? t.console.refundPartText(yuan(preview), yuan(o.totalPrice))
      : t.console.refundText(yuan(o.totalPrice))
  const leg = o.legs?.find((l) => l.kind === 'giftcard')
  return t.console.checkoutRefundText(yuan(o.totalPrice), leg ? yuan(leg.amount) : '', !!o.coupon)
}

function Detail({ orderId, onRefunded }: { orderId: string; onRefunded: () => void }) {
  const [d, setD] = useState<CloudData<OrderDetail>>({ state: 'loading' })
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const [toast, showToast] = useToast()
  const load = useCallback(async () => {
    try {
      setD({ state: 'ready', data: await consoleApi.orderDetail(orderId) })
    } catch (err) {
      setD({ state: 'error', message: userMessage(err) })
    }
  }, [orderId])
  useEffect(() => void load(), [load])
  /** Asks for the refund, or retries one WeChat Pay failed (the server keeps its refund number and fee). */
  const send = async (why: string) => {
    try {
      const r = await consoleApi.refund(orderId, why)
      showToast(r.status === 'REFUNDED' ? t.console.refunded : t.console.refundSubmitted, 'success')
    } catch (err) {
      showToast(userMessage(err), 'fail')
    }
    await load()
    onRefunded()
  }
  const refund = async () => {
    if (!reason.trim()) {
      showToast(t.console.refundReasonMissing, 'fail')
      return
    }
    setAsking(false)
    await send(reason.trim())
  }
  return (
    <View className='order-detail' id='order-detail'>
      {toast}
      <AsyncState value={d} onRetry={load}>
        {({ order, cards, refundPreview }) => (
          <View>
            <View className='muted'>
              {t.console.buyer} {buyerOf(order)} · {t.console.time} {beijingDateTime(order.at)}
            </View>
            {order.refundReason && <View className='muted'>{t.console.refundReasonShown(order.refundReason)}</View>}
            {order.refundFee !== undefined && order.channel !== 'checkout' && (
              <View className='muted' id='refund-fee'>
                {t.console.refundFeeShown(yuan(order.refundFee))}
              </View>
            )}
            {order.channel === 'checkout' && <CheckoutParts order={order} />}
            <View className='section-title small'>{t.console.cardsOfOrder}</View>
            {cards.map((c) => (
              <View key={`${c.cardId}:${c.code}`} className='card-tile plain'>
                <View className='row'>
                  <Text>
                    {c.title} · {c.code}
                  </Text>
                  <Text>
                    {yuan(c.balance)} · {t.status[c.status] ?? c.status}
                  </Text>
                </View>
                <Entries entries={c.entries} />
              </View>
            ))}
            {order.refundStatus === 'REFUNDING' && (
              <View className='note' id='refund-status'>
                {t.console.refundStatus.REFUNDING} · {t.console.refundingNote}
              </View>
            )}
            {order.refundStatus === 'REFUND_FAILED' && (
              <View className='note' id='refund-status'>
                <View>
                  {t.console.refundFailedTitle}：
                  {(order.refundError && t.console.refundAdvice[order.refundError]) ?? t.console.refundAdviceOther}
                </View>
                <View className='muted'>{t.console.refundRetryNote}</View>
                <Button size='small' type='danger' onClick={() => void send(order.refundReason ?? t.console.refundRetry)}>
                  {t.console.refundRetry}
                </Button>
              </View>
            )}
            {refundable(order) && (
              <Button size='small' type='danger' fill='outline' onClick={() => setAsking(true)}>
                {t.console.refund}
              </Button>
            )}
            {order.state === 'REFUND_NEEDED' && <View className='muted'>{t.console.checkoutNoRefund}</View>}
            <Dialog
              visible={asking}
              title={t.console.refundTitle}
              content={
                <View id='refund-dialog'>
                  <View className='note'>{refundText(order, refundPreview)}</View>
                  <TextArea
                    className='input textarea'
                    value={reason}
                    placeholder={t.console.refundReason}
                    maxLength={64}
                    onChange={(v: string) => setReason(v)}
                  />
                </View>
              }
              confirmText={t.console.refund}
              cancelText={t.common.cancel}
              onConfirm={() => void refund()}
              onCancel={() => setAsking(false)}
            />
          </View>
        )}
      </AsyncState>
    </View>
  )
}

function OrdersView() {
  const [q, setQ] = useState('')
  const [since, setSince] = useState('')
  const [until, setUntil] = useState('')
  const [filter, setFilter] = useState<OrderFilter>({})
  const [data, setData] = useState<CloudData<{ orders: OrderRow[]; total: number; nextCursor?: string }>>({ state: 'loading' })
  const [open, setOpen] = useState<string>()
  // The pages after the first, by nextCursor, for the filter shown (a search by order number has one page).
  const more = useMore((cursor) => consoleApi.orders(filter, cursor).then((r) => ({ rows: r.orders, nextCursor: r.nextCursor })))
  const { reset } = more
  const load = useCallback(
    async (f: OrderFilter) => {
      setFilter(f)
      reset()
      try {
        setData({ state: 'ready', data: await consoleApi.orders(f) })
      } catch (err) {
        setData({ state: 'error', message: userMessage(err) })
      }
    },
    [reset],
  )
  useEffect(() => void load({}), [load])
  /** The dates as the filter takes them: from the start of one Beijing day to the end of the other. */
  const range = (from: string, to: string) => {
    const s = dateToSec(from)
    const u = dateToSec(to, true)
    return { since: s === undefined ? undefined : s * 1000, until: u === undefined ? undefined : (u + 1) * 1000 }
  }
  const search = () => void load({ ...filter, q: searchText(q), ...range(since, until) })
  // A date chosen applies at once, as a chip does.
  const pickDates = (from: string, to: string) => {
    setSince(from)
    setUntil(to)
    void load({ ...filter, ...range(from, to) })
  }
  return (
    <View>
      <View className='row'>
        <Input
          className='input grow'
          id='order-search'
          value={q}
          placeholder={t.console.searchPlaceholder}
          onInput={(e) => setQ(e.detail.value)}
        />
        <Button size='small' type='primary' onClick={search}>
          {t.console.search}
        </Button>
      </View>
      {/* Dates from the date picker, never typed: a date in another form (2026/12/01) was silently no filter. */}
      <View className='row' id='order-dates'>
        <View className='grow'>
          <DateInput
            id='order-since'
            value={since}
            placeholder={t.console.since}
            end={until || undefined}
            onChange={(d) => pickDates(d, until)}
          />
        </View>
        <View className='grow'>
          <DateInput
            id='order-until'
            value={until}
            placeholder={t.console.until}
            start={since || undefined}
            onChange={(d) => pickDates(since, d)}
          />
        </View>
        {(since || until) && (
          <Button size='small' fill='outline' id='order-dates-clear' onClick={() => pickDates('', '')}>
            {t.console.clearDates}
          </Button>
        )}
      </View>
      <View className='chips' id='state-filter'>
        <View className={`chip${!filter.state ? ' chip-on' : ''}`} onClick={() => void load({ ...filter, state: undefined })}>
          {t.console.allStates}
        </View>
        {STATES.map((s) => (
          <View key={s} className={`chip${filter.state === s ? ' chip-on' : ''}`} onClick={() => void load({ ...filter, state: s })}>
            {t.console.stateFilter[s]}
          </View>
        ))}
      </View>
      <View className='chips' id='channel-filter'>
        <View className={`chip${!filter.channel ? ' chip-on' : ''}`} onClick={() => void load({ ...filter, channel: undefined })}>
          {t.console.allChannels}
        </View>
        {CHANNELS.map((c) => (
          <View key={c} className={`chip${filter.channel === c ? ' chip-on' : ''}`} onClick={() => void load({ ...filter, channel: c })}>
            {t.merchant.channel[c]}
          </View>
        ))}
      </View>
      <AsyncState value={data} onRetry={() => void load(filter)} isEmpty={(d) => d.orders.length === 0} empty={t.console.noOrders}>
        {(d) => (
          <Section title={`${t.merchant.orders} · ${t.console.orderCount(d.total)}`}>
            {[...d.orders, ...more.rows].map((o) => (
              <View key={o.orderId} className='card-tile plain order-row' data-order={o.orderId}>
                <View className='row' onClick={() => setOpen(open === o.orderId ? undefined : o.orderId)}>
                  <Text className='small'>{t.console.orderNo(o.orderId)}</Text>
                  <Tag type={tagOf(o)}>{stateOf(o)}</Tag>
                </View>
                <View className='row' onClick={() => setOpen(open === o.orderId ? undefined : o.orderId)}>
                  <Text className='muted'>
                    {t.merchant.channel[o.channel]} ·{' '}
                    {o.channel === 'checkout' && o.originalTotal !== undefined
                      ? `${t.console.originalTotal} ${yuan(o.originalTotal)}`
                      : t.console.cardCount(o.cards.length)}{' '}
                    · {beijingDateTime(o.at)} · {t.console.buyer} {buyerOf(o)}
                  </Text>
                  <Text>{yuan(o.totalPrice)}</Text>
                </View>
                {open === o.orderId && <Detail orderId={o.orderId} onRefunded={() => void load(filter)} />}
              </View>
            ))}
            {more.failed && <View className='muted'>{more.failed}</View>}
            {more.cursor(d.nextCursor) && (
              <Button size='small' fill='outline' id='orders-more' loading={more.loading} onClick={() => void more.more(d.nextCursor)}>
                {t.common.more}
              </Button>
            )}
          </Section>
        )}
      </AsyncState>
    </View>
  )
}

export default function OrdersPage() {
  return <Gate title={t.console.menu.orders}>{() => <OrdersView />}</Gate>
}

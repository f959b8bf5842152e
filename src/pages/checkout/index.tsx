import { Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { PageShell, Section } from '../../components/PageShell'
import { Button, Dialog, IconSuccess, InputNumber } from '../../components/ui'
import { MENU } from '../../config/menu'
import { couponDiscount } from '../../../contract/card-rules'
import { checkoutLegs } from '../../../contract/money'
import {
  abandonCheckout,
  CheckoutCancelled,
  newCheckoutId,
  openCheckoutState,
  payWithCoupon,
  payWithGiftCard,
  resumeCheckout,
  type CheckoutResult,
  type OpenCheckout,
} from '../../flows/checkout'
import { checkoutCoupons, couponLines, isCoupon, shortYuan } from '../../utils/coupon'
import { useCloudData } from '../../hooks/useCloudData'
import { isUsable } from '../../utils/card-status'
import { cardApi } from '../../services/api'
import { userMessage } from '../../services/errors'
import { usePageShow, usePullDownRefresh } from '../../services/page'
import type { Card } from '../../services/types'
import { t } from '../../strings'
import { payableMemberCards } from '../../flows/member'
import { yuan } from '../../utils/money'

type Paying =
  | { state: 'idle' }
  | { state: 'confirm' }
  | { state: 'busy' }
  /** `earlier`: a checkout started before this page was shown (paid while away, or resumed): not this page's order */
  | { state: 'done'; result: CheckoutResult; earlier?: boolean }
  | { state: 'error'; message: string }

/** Why a coupon does not apply to this total, in the words both the coupon list and the split line use. */
function couponRefusal(c: Card, q: { why: 'least' | 'coversAll' | 'counter' }): string | undefined {
  if (q.why === 'coversAll') return t.coupon.coversAll
  if (q.why === 'least' && c.terms?.leastCost) return t.coupon.notApplicable(shortYuan(c.terms.leastCost))
  return couponLines(c.type, c.terms).condition
}

const INITIAL: Record<string, number> = { latte: 1, croissant: 1 }

/** An earlier checkout paid (while the page was away, or resumed here): its shares, not this page's order. */
const paidEarlier = (o: OpenCheckout): Paying => ({
  state: 'done',
  result: { paidByCard: o.held, paidByWeChatPay: o.rest, ...(o.discount ? { discount: o.discount } : {}) },
  earlier: true,
})

export default function Checkout() {
  const [mine, reload] = useCloudData(async () => {
    // Member cards' stored value pays like a gift card (#13); without the member function, gift cards only.
    const [gift, members] = await Promise.all([cardApi.listMine(), payableMemberCards().catch(() => [])])
    return { ...gift, cards: [...gift.cards, ...members] }
  })
  usePageShow(() => void reload())
  usePullDownRefresh(reload)
  const [qty, setQty] = useState<Record<string, number>>(INITIAL)
  const [picked, setPicked] = useState<Card | undefined>()
  // The picked card as the list last loaded it (reloaded after each payment): its balance and spend hint now;
  // none once the list no longer offers it (spent to zero, given away).
  const chosen =
    picked && mine.state === 'ready'
      ? mine.data.cards.find((c) => c.cardId === picked.cardId && c.code === picked.code && isUsable(c))
      : picked
  const [coupon, setCoupon] = useState<Card | undefined>()
  const [paying, setPaying] = useState<Paying>({ state: 'idle' })
  // A checkout this page left with the WeChat Pay sheet open (closed or reloaded meanwhile): paid while
  // away, or waiting, with 继续支付 and 取消 (issue 25 §7).
  const [open, setOpen] = useState<OpenCheckout | undefined>()
  useEffect(() => {
    openCheckoutState().then(
      (o) => {
        if (o?.status === 'PAID') setPaying(paidEarlier(o))
        else setOpen(o)
      },
      () => undefined,
    )
  }, [])
  const inFlight = useRef(false)
  // One confirmation pays once: the dialog may report a confirm more than once (tap and click in H5).
  const confirming = useRef(false)
  const askToConfirm = () => {
    confirming.current = true
    setPaying({ state: 'confirm' })
  }
  const confirmed = () => {
    if (!confirming.current) return
    confirming.current = false
    void pay()
  }
  const lines = MENU.filter((i) => (qty[i.id] ?? 0) > 0)
  const total = lines.reduce((s, i) => s + i.price * qty[i.id]!, 0)
  // A coupon comes off first (减 ¥10 满 ¥100, 8.5 折); the gift card pays what it can of the rest, WeChat Pay
  // what is left — nothing when the card covers it (issue 28: the same rule as pay.startCheckout's legs).
  const quote = coupon ? couponDiscount(coupon.type!, coupon.terms ?? {}, total) : undefined
  const discount = quote && 'discount' in quote ? quote.discount : 0
  const couponRefused = quote && 'refused' in quote
  const due = total - discount
  const split = chosen || coupon ? checkoutLegs(total, discount, chosen?.balance ?? 0) : undefined
  const hasCoupons = mine.state === 'ready' && checkoutCoupons(mine.data.cards).length > 0
  const hasGiftCards = mine.state === 'ready' && mine.data.cards.some((c) => isUsable(c) && !isCoupon(c.type))

  const pay = async () => {
    if ((!chosen && !coupon) || inFlight.current || total === 0 || couponRefused) return
    inFlight.current = true
    setPaying({ state: 'busy' })
    // Each attempt is its own checkout: a cancelled one is closed (its card leg credited back), and
    // trying again starts afresh on the same page.
    try {
      const description = lines.map((i) => `${i.name}×${qty[i.id]}`).join('、')
      const result = coupon
        ? await payWithCoupon(coupon, chosen, newCheckoutId(), total, description)
        : await payWithGiftCard(chosen!, newCheckoutId(), total, description)
      setPaying({ state: 'done', result })
      void reload()
    } catch (err) {
      const message =
        err instanceof CheckoutCancelled
          ? err.balance === undefined
            ? userMessage(err.cause)
            : t.checkout.cancelledBack(yuan(err.balance))
          : userMessage(err)
      setPaying({ state: 'error', message })
      // A refusal (余额不足, the card used elsewhere meanwhile) or a credited-back leg: show the cards as they are now.
      void reload()
    } finally {
      inFlight.current = false
    }
  }

  const resume = async () => {
    if (!open || inFlight.current) return
    inFlight.current = true
    setPaying({ state: 'busy' })
    try {
      await resumeCheckout(open)
      setPaying(paidEarlier(open))
      setOpen(undefined)
      void reload()
    } catch (err) {
      setOpen(undefined)
      setPaying({
        state: 'error',
        message:
          err instanceof CheckoutCancelled
            ? err.balance === undefined
              ? userMessage(err.cause)
              : t.checkout.cancelledBack(yuan(err.balance))
            : userMessage(err),
      })
      void reload()
    } finally {
      inFlight.current = false
    }
  }

  const abandon = async () => {
    if (!open || inFlight.current) return
    inFlight.current = true
    setPaying({ state: 'busy' })
    try {
      const balance = await abandonCheckout(open.checkoutId)
      setOpen(undefined)
      setPaying({ state: 'error', message: balance === undefined ? t.checkout.openCancelled : t.checkout.cancelledBack(yuan(balance)) })
      void reload()
    } catch (err) {
      setPaying({ state: 'error', message: userMessage(err) })
    } finally {
      inFlight.current = false
    }
  }

  const again = () => {
    setPaying({ state: 'idle' })
    setPicked(undefined)
    setCoupon(undefined)
    setQty(INITIAL)
  }

  return (
    <PageShell title={t.checkout.title}>
      {/* The menu is this page's new order: not shown above an earlier checkout's payment (it is not that order). */}
      {!open && !(paying.state === 'done' && paying.earlier) && (
        <Section title={t.checkout.order} id='order'>
          {MENU.map((i) => (
            <View className='row menu-row' key={i.id} data-item={i.id}>
              <View>
                <View>{i.name}</View>
                <Text className='muted'>{yuan(i.price)}</Text>
              </View>
              <InputNumber
                value={qty[i.id] ?? 0}
                min={0}
                max={20}
                onChange={(v) => setQty({ ...qty, [i.id]: Number(v) })}
                disabled={paying.state === 'busy' || paying.state === 'done'}
              />
            </View>
          ))}
          <View className='row total-row'>
            <Text>{t.checkout.total}</Text>
            <Text className='total' id='total'>
              {yuan(total)}
            </Text>
          </View>
        </Section>
      )}
      {paying.state === 'done' ? (
        <View className='paid' id='paid'>
          <IconSuccess size={40} color='#1a7f37' />
          <View className='paid-title'>{t.checkout.paid}</View>
          {!!paying.result.discount && <View id='paid-discount'>{t.coupon.couponOff(yuan(paying.result.discount))}</View>}
          {(chosen || !coupon) && paying.result.balance !== undefined && <View>{t.checkout.newBalance(yuan(paying.result.balance))}</View>}
          {/* A checkout paid while the page was away: the card's share, its new balance unknown here. */}
          {paying.result.balance === undefined && paying.result.paidByCard > 0 && (
            <View className='muted'>{t.checkout.paidByCard(yuan(paying.result.paidByCard))}</View>
          )}
          {paying.result.paidByWeChatPay > 0 && (
            <View className='muted'>{t.checkout.paidByWeChat(yuan(paying.result.paidByWeChatPay))}</View>
          )}
          <Button className='btn-block' type='primary' onClick={again}>
            {t.checkout.again}
          </Button>
        </View>
      ) : open ? (
        <Section title={t.checkout.openTitle} id='open-checkout'>
          <View>{t.checkout.openText(yuan(open.held), yuan(open.rest))}</View>
          <View className='muted'>{t.checkout.openUntil(new Date(open.expiresAt).toTimeString().slice(0, 5))}</View>
          <Button
            className='btn-block'
            type='primary'
            loading={paying.state === 'busy'}
            disabled={paying.state === 'busy'}
            onClick={() => void resume()}
          >
            {t.checkout.resume}
          </Button>
          <Button className='btn-block' disabled={paying.state === 'busy'} onClick={() => void abandon()}>
            {t.checkout.abandon}
          </Button>
        </Section>
      ) : (
        <Section title={hasCoupons ? t.checkout.chooseCardAndCoupon : t.checkout.chooseCard} id='cards'>
          {hasCoupons && (
            <View id='coupons'>
              <View className='muted'>{t.coupon.chooseCoupon}</View>
              {checkoutCoupons(mine.data.cards).map((c) => {
                const q = couponDiscount(c.type!, c.terms ?? {}, total)
                const refusal = 'refused' in q ? couponRefusal(c, q) : undefined
                return (
                  <View key={`${c.cardId}:${c.code}`}>
                    <CardTile
                      card={c}
                      selected={coupon?.code === c.code}
                      onOpen={() => paying.state !== 'busy' && setCoupon(coupon?.code === c.code ? undefined : c)}
                    />
                    {refusal && <View className='muted small'>{refusal}</View>}
                  </View>
                )
              })}
            </View>
          )}
          {/* Under the coupons, the gift cards get their own line: the section's title names both. */}
          {hasCoupons && hasGiftCards && (
            <View className='muted sub-label' id='gift-cards-label'>
              {t.checkout.giftCards}
            </View>
          )}
          <AsyncState value={mine} onRetry={reload} isEmpty={(d) => !d.cards.some(isUsable)} empty={t.checkout.noCard}>
            {(d) =>
              d.cards
                .filter((c) => isUsable(c) && !isCoupon(c.type))
                .map((c) => (
                  <CardTile
                    key={`${c.cardId}:${c.code}`}
                    card={c}
                    selected={chosen?.code === c.code}
                    onOpen={() => paying.state !== 'busy' && setPicked(chosen?.code === c.code && coupon ? undefined : c)}
                  />
                ))
            }
          </AsyncState>
          {(chosen || coupon) && split && (
            <View className='split' id='split'>
              {coupon && (
                <View className='row'>
                  <Text>{t.coupon.couponLabel}</Text>
                  <Text id='split-discount'>{quote && 'refused' in quote ? couponRefusal(coupon, quote) : `-${yuan(discount)}`}</Text>
                </View>
              )}
              <View className='row'>
                <Text>{t.checkout.cardCovers}</Text>
                <Text id='split-card'>{yuan(split.card)}</Text>
              </View>
              <View className='row'>
                <Text>{t.checkout.wechatCovers}</Text>
                <Text id='split-wechat'>{yuan(split.wechat)}</Text>
              </View>
              <Button
                className='btn-block'
                type='primary'
                loading={paying.state === 'busy'}
                disabled={paying.state === 'busy' || total === 0 || !!couponRefused}
                onClick={askToConfirm}
              >
                {paying.state === 'error' ? t.checkout.retryPay : t.checkout.pay(yuan(due))}
              </Button>
              {total === 0 && <View className='muted center'>{t.checkout.emptyOrder}</View>}
            </View>
          )}
          {paying.state === 'error' && (
            <View className='error center' id='pay-error'>
              {paying.message}
            </View>
          )}
        </Section>
      )}
      <Dialog
        visible={paying.state === 'confirm'}
        title={t.checkout.confirmTitle}
        content={
          split
            ? coupon
              ? t.coupon.confirmCoupon(yuan(discount), split.card ? yuan(split.card) : '', split.wechat ? yuan(split.wechat) : '')
              : t.checkout.confirmText(yuan(split.card), split.wechat ? yuan(split.wechat) : '')
            : ''
        }
        confirmText={t.common.confirm}
        cancelText={t.common.cancel}
        onConfirm={confirmed}
        onCancel={() => {
          confirming.current = false
          setPaying({ state: 'idle' })
        }}
      />
    </PageShell>
  )
}

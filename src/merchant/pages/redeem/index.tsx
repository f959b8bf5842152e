import { Input, Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { CardFace } from '../../../components/CardFace'
import { useToast } from '../../../components/Notice'
import { PageShell, Section } from '../../../components/PageShell'
import { Button, Dialog, Tag } from '../../../components/ui'
import { newRequestId } from '../../../flows/purchase'
import { merchantApi } from '../../../services/api'
import { CloudCallError } from '../../../services/cloud'
import { isInsufficient, userMessage } from '../../../services/errors'
import type { RedeemCheck } from '../../../services/types'
import { scanCode } from '../../../services/wx'
import { t } from '../../../strings'
import '../../console.css'
import { couponLines, dateOf, isCoupon } from '../../../utils/coupon'
import { yuan } from '../../../utils/money'
import { beijingDateTime } from '../../../utils/time'

/** "12.5" yuan → 1250 fen, or undefined when it is not a positive amount with at most two decimals. */
export function fenOf(text: string): number | undefined {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!m) return undefined
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return fen > 0 ? fen : undefined
}

/** A code as the customer's card page shows it (8916 4234 4953), or read aloud with dashes: the code is its digits. */
const digitsOf = (typed: string) => typed.replace(/[\s-]/g, '')

/**
 * Whether a redemption's error is a refusal that moved nothing: the input (1001), the cashier's rights (1004),
 * the card (1005), or too little on it (1006, insufficient). The server refuses these before anything is
 * debited. Any other 1006 (the key already used) and the rest (busy, WeChat, the network) may have redeemed.
 */
function movedNothing(err: unknown): boolean {
  return (err instanceof CloudCallError && [1001, 1004, 1005].includes(err.errcode)) || isInsufficient(err)
}

/** Why a code cannot be redeemed, in words: its status (已使用, 已过期 …) or the server's reason. */
function whyNot(c: RedeemCheck): string {
  if (c.redeemed) return t.redeem.redeemedBy(c.redeemed.by, beijingDateTime(c.redeemed.at))
  if (c.status === 'CONSUMED' && isCoupon(c.type)) return t.coupon.used
  if (c.status !== 'NORMAL') return t.status[c.status] ?? t.redeem.unavailable
  return c.reason ?? t.redeem.unavailable
}

/** Gift cards and member cards (#13) are debited an amount of their stored value; coupons are consumed whole. */
const debitsValue = (type: string) => type === 'GIFT_CARD' || type === 'MEMBER_CARD'

type Step =
  | { s: 'idle' }
  | { s: 'checked'; check: RedeemCheck; key: string }
  | { s: 'confirm'; check: RedeemCheck; key: string; amount?: number }
  | { s: 'busy' }
  | { s: 'done'; text: string }

/**
 * 门店核销 (staff and admins): scan the code a customer shows (wx.scanCode) or type it, see what it is
 * and whether it can be used (merchant.redeemCheck), then confirm: a coupon is consumed, a gift card
 * debited the amount typed in (merchant.redeem, once per key: a double tap redeems once).
 */
export default function RedeemPage() {
  const [code, setCode] = useState('')
  const [amount, setAmount] = useState('')
  const [step, setStep] = useState<Step>({ s: 'idle' })
  const [toast, showToast] = useToast()
  const inFlight = useRef(false)

  const check = async (typed = code) => {
    const c = digitsOf(typed)
    if (!c || inFlight.current) return
    inFlight.current = true
    try {
      const { check: got } = await merchantApi.redeemCheck(c)
      setStep({ s: 'checked', check: got, key: `RD${newRequestId()}` })
    } catch (err) {
      setStep({ s: 'idle' })
      // 1005: no card or coupon has this code — say that, not a page's "nothing found".
      showToast(err instanceof CloudCallError && err.errcode === 1005 ? t.redeem.notFound : userMessage(err), 'fail')
    } finally {
      inFlight.current = false
    }
  }
  // Another code typed over the one looked up: its result (and the amount for it) goes, so 确认核销 can never
  // debit the card looked up before while the next customer's code is in the field.
  const typeCode = (typed: string) => {
    setCode(typed)
    if ((step.s === 'checked' || step.s === 'confirm') && digitsOf(typed) !== step.check.code) {
      setStep({ s: 'idle' })
      setAmount('')
    }
  }
  const scan = async () => {
    try {
      const c = await scanCode()
      setCode(c)
      await check(c)
    } catch {
      showToast(t.redeem.scanFailed, 'fail')
    }
  }
  const askConfirm = () => {
    if (step.s !== 'checked') return
    const fen = debitsValue(step.check.type) ? fenOf(amount) : undefined
    if (debitsValue(step.check.type) && fen === undefined) return showToast(t.redeem.amountInvalid, 'fail')
    // More than the card holds as just looked up: say so now, not after the cashier confirmed a debit that cannot be.
    const balance = step.check.balance
    if (fen !== undefined && balance !== undefined && fen > balance) return showToast(t.redeem.overBalance(yuan(balance)), 'fail')
    setStep({ s: 'confirm', check: step.check, key: step.key, amount: fen })
  }
  const redeem = async () => {
    if (step.s !== 'confirm' || inFlight.current) return
    inFlight.current = true
    const { check: c, key, amount: fen } = step
    setStep({ s: 'busy' })
    try {
      const r = await merchantApi.redeem({ code: c.code, cardId: c.cardId, key, ...(fen ? { amount: fen } : {}) })
      // A debit says what it took from which card, so the cashier can tell the customer before the next one.
      const text =
        r.balance !== undefined && fen !== undefined
          ? t.redeem.doneBalance(t.common.cardWithTail(c.title, c.code), yuan(fen), yuan(r.balance))
          : t.redeem.done
      setStep({ s: 'done', text })
      setCode('')
      setAmount('')
    } catch (err) {
      if (err instanceof CloudCallError && err.reason === 'ALREADY_REDEEMED') {
        // Another cashier was first: show the code as it is now, and who redeemed it when.
        const now = await merchantApi.redeemCheck(c.code).then(
          (r) => r.check,
          () => c,
        )
        setStep({ s: 'checked', check: now, key })
        showToast(now.redeemed ? whyNot(now) : userMessage(err), 'fail')
        return
      }
      // A refusal moved nothing (bad input, a card that cannot be spent, too little on it): the next try, perhaps
      // with another amount, is a new redemption under a new key — under this one the server would refuse it as
      // the key used with other details. Any other error may have redeemed: the same key again, so a retry can
      // never redeem twice.
      setStep({ s: 'checked', check: c, key: movedNothing(err) ? `RD${newRequestId()}` : key })
      showToast(userMessage(err), 'fail')
    } finally {
      inFlight.current = false
    }
  }

  const shown = step.s === 'checked' || step.s === 'confirm' ? step.check : undefined
  const lines = shown && !debitsValue(shown.type) ? couponLines(shown.type, shown.terms) : undefined
  return (
    <PageShell title={t.redeem.title}>
      {toast}
      <Section title={t.redeem.codeLabel} id='redeem-code'>
        <View className='row'>
          <Input
            className='input grow'
            id='code-input'
            value={code}
            placeholder={t.redeem.codePlaceholder}
            onInput={(e) => typeCode(e.detail.value)}
            onConfirm={() => void check()}
          />
        </View>
        <View className='row-actions'>
          <Button size='small' fill='outline' onClick={() => void scan()}>
            {t.redeem.scan}
          </Button>
          <Button size='small' type='primary' id='check-button' onClick={() => void check()}>
            {t.redeem.check}
          </Button>
        </View>
      </Section>
      {shown && (
        <Section title={t.coupon.types[shown.type] ?? shown.type} id='redeem-check'>
          <CardFace title={shown.title} amount={lines ? lines.main : yuan(shown.balance ?? 0)}>
            <View className='card-face-from coupon-terms'>
              {[lines?.condition, shown.endTime ? t.coupon.validUntil(dateOf(shown.endTime)) : undefined].filter(Boolean).join(' · ')}
            </View>
          </CardFace>
          <View className='row'>
            <Text>{t.redeem.status}</Text>
            <Tag type={shown.usable ? 'success' : 'default'} id='redeem-usable'>
              {shown.usable ? t.redeem.usable : t.redeem.unusable(whyNot(shown))}
            </Tag>
          </View>
          {shown.type === 'MEMBER_CARD' && shown.bonus !== undefined && (
            <View className='row' id='redeem-bonus'>
              <Text>{t.member.points}</Text>
              <Text>{shown.bonus}</Text>
            </View>
          )}
          {shown.usable && debitsValue(shown.type) && (
            <View className='row'>
              <Text>{t.redeem.amountLabel}</Text>
              <Input
                className='input'
                id='amount-input'
                type='digit'
                value={amount}
                placeholder={t.redeem.amountPlaceholder}
                onInput={(e) => setAmount(e.detail.value)}
              />
            </View>
          )}
          {shown.usable && (
            <Button className='btn-block' type='primary' id='redeem-button' onClick={askConfirm}>
              {t.redeem.confirm}
            </Button>
          )}
        </Section>
      )}
      {step.s === 'done' && (
        <View className='paid' id='redeem-done'>
          {step.text}
        </View>
      )}
      <Dialog
        visible={step.s === 'confirm'}
        title={t.redeem.confirmTitle}
        content={
          step.s === 'confirm'
            ? step.amount
              ? t.redeem.confirmDebit(step.check.title, yuan(step.amount))
              : t.redeem.confirmCoupon(step.check.title)
            : ''
        }
        confirmText={t.common.confirm}
        cancelText={t.common.cancel}
        onConfirm={() => void redeem()}
        onCancel={() => step.s === 'confirm' && setStep({ s: 'checked', check: step.check, key: step.key })}
      />
    </PageShell>
  )
}

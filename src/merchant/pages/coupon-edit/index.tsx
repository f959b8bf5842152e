import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { COUPON_TYPES, type CouponType } from '../../../../contract/card-rules'
import { useToast } from '../../../components/Notice'
import { useCloudData } from '../../../hooks/useCloudData'
import { useOneAtATime } from '../../../hooks/useOneAtATime'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { userMessage } from '../../../services/errors'
import { usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { consoleApi } from '../../api'
import {
  checkCouponForm,
  couponBody,
  couponFields,
  emptyCouponForm,
  requiredCouponFields,
  type CouponField,
  type CouponFieldError,
  type CouponForm,
} from '../../coupon-form'
import { Field } from '../../components/Field'
import { Gate } from '../../components/Gate'
import { RefusedEditHint } from '../../components/Review'
import { RetiredNotice } from '../../components/RetiredNotice'
import { DeliveryQr } from '../../components/QrView'
import { Upload } from '../../components/Upload'
import { useSubmitOnce } from '../../components/useSubmitOnce'

/** The notice WeChat's retirement of ordinary coupons calls for, where a merchant creates one or buys 券点. */
function say(e: CouponFieldError | undefined): string | undefined {
  if (!e) return undefined
  const m = t.console.errors
  if (e.kind === 'tooLong') return m.tooLong(e.max)
  if (e.kind === 'rule') return t.console.coupon.rules[e.field]
  if (e.kind === 'number') return t.console.coupon.number
  return m[e.kind]
}

const TEXTAREAS = new Set<CouponField>(['description', 'gift', 'dealDetail', 'defaultDetail'])
const DIGITS = new Set<CouponField>(['reduceCost', 'leastCost', 'discount', 'giftNum', 'quantity', 'locationId'])

/** After creation: the server's notice, then the 领券中心 and the QR code for this coupon. */
function Created({ cardId, friend, notice }: { cardId: string; friend: boolean; notice?: string }) {
  const [toast, showToast] = useToast()
  const [claimable, setClaimable] = useState(false)
  const offer = async () => {
    try {
      const r = await consoleApi.claimableSet(cardId, !claimable)
      setClaimable(r.claimable)
      showToast(r.claimable ? t.console.coupon.claimableOn : t.console.coupon.claimableRemoved, 'success')
    } catch (e) {
      showToast(userMessage(e), 'fail')
    }
  }
  return (
    <View id='coupon-created'>
      {toast}
      <View className='section-title'>{t.console.coupon.created}</View>
      {notice && <RetiredNotice text={notice} />}
      <View className='note'>{t.console.coupon.afterCreate}</View>
      <View className='row-actions'>
        {friend ? (
          <Text className='muted'>{t.console.coupon.friendNoClaim}</Text>
        ) : (
          <Button size='small' type='primary' onClick={() => void offer()}>
            {claimable ? t.console.coupon.claimableOff : t.console.coupon.claimable}
          </Button>
        )}
      </View>
      <DeliveryQr cardId={cardId} label={t.console.coupon.qrcode} toast={showToast} />
    </View>
  )
}

function CreateForm({ initialType }: { initialType: CouponType }) {
  const [f, setF] = useState<CouponForm>(() => emptyCouponForm(initialType))
  const [touched, setTouched] = useState<Set<CouponField>>(new Set())
  const [created, setCreated] = useState<{ cardId: string; notice?: string }>()
  const [toast, showToast] = useToast()
  const [busy, send] = useSubmitOnce(showToast)
  const friend = f.friend && (f.type === 'CASH' || f.type === 'GIFT')
  const errors = useMemo(() => checkCouponForm(f), [f])
  const fields = couponFields(f.type, friend)
  const required = requiredCouponFields(f.type, friend)
  const set = (k: CouponField) => (v: string) => {
    setF((cur) => ({ ...cur, [k]: v }))
    setTouched((cur) => new Set(cur).add(k))
  }
  // An error shows once the field was typed in, or once the merchant tried to submit.
  const err = (k: CouponField) => (touched.has(k) ? say(errors[k]) : undefined)
  const submit = async () => {
    setTouched(new Set(fields))
    await send(
      fields.some((k) => errors[k]),
      () => consoleApi.couponCreate(couponBody(f)),
      setCreated,
    )
  }
  if (created) return <Created cardId={created.cardId} friend={friend} notice={created.notice} />
  const fl = t.console.coupon.fields
  return (
    <View id='coupon-form'>
      {toast}
      <RetiredNotice />
      <Section title={t.console.coupon.type}>
        <View className='type-picker' id='type-picker'>
          {COUPON_TYPES.map((type) => (
            <Button
              key={type}
              size='small'
              type={f.type === type ? 'primary' : 'default'}
              onClick={() => setF((cur) => ({ ...cur, type }))}
            >
              {t.coupon.types[type]}
            </Button>
          ))}
        </View>
        {(f.type === 'CASH' || f.type === 'GIFT') && (
          <View className='row' id='friend-toggle'>
            <Text className='muted grow'>{t.console.coupon.friend}</Text>
            <Button size='small' type={friend ? 'primary' : 'default'} onClick={() => setF((cur) => ({ ...cur, friend: !cur.friend }))}>
              {friend ? t.console.coupon.friendOn : t.console.coupon.friendOff}
            </Button>
          </View>
        )}
      </Section>
      <Section>
        {fields.map((k) =>
          k === 'logoUrl' ? (
            <Upload key={k} id={k} label={fl[k]!} url={f.logoUrl} onUrl={set('logoUrl')} error={err(k)} required />
          ) : TEXTAREAS.has(k) ? (
            <Field key={k} id={k} label={fl[k]!} value={f[k]} onInput={set(k)} error={err(k)} required={required.has(k)} multiline />
          ) : (
            <Field
              key={k}
              id={k}
              label={fl[k]!}
              value={f[k]}
              onInput={set(k)}
              error={err(k)}
              required={required.has(k)}
              type={DIGITS.has(k) ? 'digit' : k.endsWith('Date') ? 'date' : 'text'}
            />
          ),
        )}
      </Section>
      <Button className='btn-block' type='primary' disabled={busy} onClick={() => void submit()}>
        {busy ? t.console.saving : t.console.save}
      </Button>
    </View>
  )
}

/** Editing a coupon WeChat holds: the texts card/update lets change, then a fresh review. */
function EditForm({ cardId, type }: { cardId: string; type: CouponType }) {
  // A coupon WeChat's review refused (card_not_pass_check) shows the reason above the fields to fix.
  const [coupons] = useCloudData(consoleApi.coupons)
  const refused =
    coupons.state === 'ready' ? coupons.data.coupons.find((c) => c.cardId === cardId && c.reviewStatus === 'REJECTED') : undefined
  const [notice, setNotice] = useState('')
  const [description, setDescription] = useState('')
  const [toast, showToast] = useToast()
  // The same length rule as creation (contract/card-rules.ts baseInfoLimits), on the notice alone.
  const noticeCheck = checkCouponForm({ ...emptyCouponForm(type), notice }).notice
  const noticeErr = noticeCheck?.kind === 'tooLong' ? say(noticeCheck) : undefined
  // card/update sends the coupon back to WeChat's review: a double tap is one update.
  const [busy, oneAtATime] = useOneAtATime()
  const save = () =>
    oneAtATime(async () => {
      try {
        const r = await consoleApi.cardUpdate({
          card_id: cardId,
          [type.toLowerCase()]: { base_info: { ...(notice ? { notice } : {}), ...(description ? { description } : {}) } },
        })
        showToast(r.send_check === true ? t.merchant.resubmitted : t.console.coupon.updated, 'success')
      } catch (e) {
        showToast(userMessage(e), 'fail')
      }
    })
  return (
    <View id='coupon-edit'>
      {toast}
      {refused && <RefusedEditHint reason={refused.reviewReason} />}
      <Section>
        <Field
          id='notice'
          label={t.console.coupon.fields.notice!}
          value={notice}
          onInput={setNotice}
          error={noticeErr}
          placeholder={t.console.coupon.keepBlank}
        />
        <Field
          id='description'
          label={t.console.coupon.fields.description!}
          value={description}
          onInput={setDescription}
          placeholder={t.console.coupon.keepBlank}
        />
      </Section>
      <Button className='btn-block' type='primary' disabled={busy || !!noticeErr || !(notice || description)} onClick={() => void save()}>
        {t.console.save}
      </Button>
    </View>
  )
}

const asType = (s: string | undefined): CouponType => ((COUPON_TYPES as readonly string[]).includes(s ?? '') ? (s as CouponType) : 'CASH')

export default function CouponEditPage() {
  const { cardId, type } = usePageQuery()
  return (
    <Gate title={cardId ? t.console.coupon.editCoupon : t.console.coupon.newCoupon}>
      {() => (cardId ? <EditForm cardId={cardId} type={asType(type)} /> : <CreateForm initialType={asType(type)} />)}
    </Gate>
  )
}

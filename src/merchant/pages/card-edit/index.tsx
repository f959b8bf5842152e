import { Image, View } from '@tarojs/components'
import { useEffect, useMemo, useState } from 'react'
import {
  checkGiftCardForm,
  giftCardBody,
  REQUIRED_GIFT_CARD_FIELDS as REQUIRED,
  parseYuan,
  utf8Bytes,
  type FieldError,
  type GiftCardForm,
  isServicePhone,
} from '../../giftcard-form'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { userMessage } from '../../../services/errors'
import { goBack, usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { useCloudData } from '../../../hooks/useCloudData'
import { useOneAtATime } from '../../../hooks/useOneAtATime'
import { consoleApi } from '../../api'
import { Field } from '../../components/Field'
import { Upload } from '../../components/Upload'
import { useSubmitOnce } from '../../components/useSubmitOnce'
import { Gate } from '../../components/Gate'
import { RefusedEditHint } from '../../components/Review'

const inYears = (y: number) => new Date(Date.now() + 8 * 3600_000 + y * 365 * 86400_000).toISOString().slice(0, 10)
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)

export const EMPTY_FORM = (): GiftCardForm => ({
  title: '',
  brandName: '',
  price: '',
  balance: '',
  beginDate: today(),
  endDate: inYears(3),
  quantity: '1000',
  notice: '使用时出示礼品卡',
  description: '',
  servicePhone: '',
  logoUrl: '',
  faceUrl: '',
})

function say(e: FieldError | undefined): string | undefined {
  if (!e) return undefined
  const m = t.console.errors
  return e.kind === 'tooLong' ? m.tooLong(e.max) : m[e.kind]
}

/** What the card bag will show: the face, title and balance over it. */
function Preview({ f }: { f: GiftCardForm }) {
  const balance = parseYuan(f.balance)
  return (
    <View className='card-face card-face-small' id='card-preview'>
      {f.faceUrl ? <Image className='card-face-img' src={f.faceUrl} mode='aspectFill' /> : null}
      <View className='card-face-title'>
        {f.brandName || t.console.fields.brandName} · {f.title || t.console.fields.title}
      </View>
      <View className='card-face-amount'>{balance !== undefined && balance > 0 ? yuan(balance) : '¥0.00'}</View>
    </View>
  )
}

function CreateForm() {
  const [f, setF] = useState<GiftCardForm>(EMPTY_FORM)
  const [touched, setTouched] = useState<Set<keyof GiftCardForm>>(new Set())
  const [toast, showToast] = useToast()
  const [busy, send] = useSubmitOnce(showToast)
  const { errors, warnings } = useMemo(() => checkGiftCardForm(f), [f])
  const set = (k: keyof GiftCardForm) => (v: string) => {
    setF((cur) => ({ ...cur, [k]: v }))
    setTouched((cur) => new Set(cur).add(k))
  }
  // An error shows once the field was typed in, or once the merchant tried to submit.
  const err = (k: keyof GiftCardForm) => (touched.has(k) ? say(errors[k]) : undefined)
  const submit = async () => {
    setTouched(new Set(Object.keys(f) as (keyof GiftCardForm)[]))
    await send(
      Object.keys(errors).length > 0,
      () => consoleApi.cardCreate(giftCardBody(f)),
      () => {
        showToast(t.console.created, 'success')
        setTimeout(() => void goBack(), 800)
      },
    )
  }
  const fl = t.console.fields
  return (
    <View id='card-form'>
      {toast}
      <Section title={t.console.preview}>
        <Preview f={f} />
      </Section>
      <Section>
        <Field required={REQUIRED.has('title')} id='title' label={fl.title} value={f.title} onInput={set('title')} error={err('title')} />
        <Field
          required={REQUIRED.has('brandName')}
          id='brandName'
          label={fl.brandName}
          value={f.brandName}
          onInput={set('brandName')}
          error={err('brandName')}
        />
        <Field
          required={REQUIRED.has('price')}
          id='price'
          label={fl.price}
          value={f.price}
          onInput={set('price')}
          error={err('price')}
          warning={touched.has('price') ? say(warnings.price) : undefined}
          placeholder={t.console.placeholders.yuan}
          type='digit'
        />
        <Field
          required={REQUIRED.has('balance')}
          id='balance'
          label={fl.balance}
          value={f.balance}
          onInput={set('balance')}
          error={err('balance')}
          placeholder={t.console.placeholders.yuan}
          type='digit'
        />
        <Field
          required={REQUIRED.has('beginDate')}
          id='beginDate'
          label={fl.beginDate}
          value={f.beginDate}
          onInput={set('beginDate')}
          error={err('beginDate')}
          type='date'
        />
        <Field
          required={REQUIRED.has('endDate')}
          id='endDate'
          label={fl.endDate}
          value={f.endDate}
          onInput={set('endDate')}
          error={err('endDate')}
          type='date'
        />
        <Field
          required={REQUIRED.has('quantity')}
          id='quantity'
          label={fl.quantity}
          value={f.quantity}
          onInput={set('quantity')}
          error={err('quantity')}
          type='digit'
        />
        <Field
          required={REQUIRED.has('notice')}
          id='notice'
          label={fl.notice}
          value={f.notice}
          onInput={set('notice')}
          error={err('notice')}
        />
        <Field
          required={REQUIRED.has('servicePhone')}
          id='servicePhone'
          label={fl.servicePhone}
          value={f.servicePhone}
          onInput={set('servicePhone')}
          error={err('servicePhone')}
        />
        <Field
          required={REQUIRED.has('description')}
          id='description'
          label={fl.description}
          value={f.description}
          onInput={set('description')}
          error={err('description')}
          multiline
        />
        <Upload
          required={REQUIRED.has('logoUrl')}
          id='logoUrl'
          label={fl.logo}
          url={f.logoUrl}
          onUrl={set('logoUrl')}
          error={err('logoUrl')}
        />
        <Upload
          required={REQUIRED.has('faceUrl')}
          id='faceUrl'
          label={fl.face}
          url={f.faceUrl}
          onUrl={set('faceUrl')}
          error={err('faceUrl')}
        />
      </Section>
      <Button className='btn-block' type='primary' disabled={busy} onClick={() => void submit()}>
        {busy ? t.console.saving : t.console.save}
      </Button>
    </View>
  )
}

/** Editing a card WeChat already holds: the texts it allows to change (card/update), then a fresh review. */
function EditForm({ cardId }: { cardId: string }) {
  // A card WeChat's review refused (card_not_pass_check) shows the reason above the fields to fix.
  const [cards, reloadCards] = useCloudData(consoleApi.cards)
  const refused = cards.state === 'ready' ? cards.data.cards.find((c) => c.cardId === cardId && c.reviewStatus === 'REJECTED') : undefined
  // The card's texts as they are, once the list has them: the form starts from them, and only what was
  // changed is sent (an unchanged text sent again would still send the card back to review).
  const current = cards.state === 'ready' ? cards.data.cards.find((c) => c.cardId === cardId) : undefined
  const [notice, setNotice] = useState('')
  const [description, setDescription] = useState('')
  const [phone, setPhone] = useState('')
  useEffect(() => {
    if (!current) return
    // What was typed before the list arrived stays.
    setNotice((v) => v || (current.notice ?? ''))
    setDescription((v) => v || (current.description ?? ''))
    setPhone((v) => v || (current.servicePhone ?? ''))
    // Once, when the card arrives: later list reloads must not overwrite what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.cardId])
  const changed = {
    ...(notice !== (current?.notice ?? '') && notice ? { notice } : {}),
    ...(description !== (current?.description ?? '') && description ? { description } : {}),
    ...(phone !== (current?.servicePhone ?? '') && phone ? { service_phone: phone } : {}),
  }
  const [toast, showToast] = useToast()
  const noticeErr = utf8Bytes(notice) > 36 ? t.console.errors.tooLong(12) : undefined
  const phoneErr = phone && !isServicePhone(phone) ? t.console.errors.phone : undefined
  // Each save sends the card back to WeChat's review: a double tap sends it once, and once saved the texts
  // saved are the card's (the list asked again), so the button rests until something else is changed.
  const [busy, oneAtATime] = useOneAtATime()
  const save = () =>
    oneAtATime(async () => {
      try {
        const r = await consoleApi.cardUpdate({
          card_id: cardId,
          general_card: { base_info: changed },
        })
        showToast(r.send_check === true ? t.merchant.resubmitted : t.console.updated, 'success')
        await reloadCards()
      } catch (e) {
        showToast(userMessage(e), 'fail')
      }
    })
  return (
    <View id='card-edit'>
      {toast}
      {refused && <RefusedEditHint reason={refused.reviewReason} />}
      {/* Which card this is (a merchant with a ¥100 and a ¥500 card edits one of them), once the list has it. */}
      <Section title={current?.title}>
        {/* Each text is optional here: only what is filled in is changed. */}
        <Field id='notice' label={t.console.fields.notice} value={notice} onInput={setNotice} error={noticeErr} />
        <Field id='description' label={t.console.fields.description} value={description} onInput={setDescription} multiline />
        <Field id='servicePhone' label={t.console.fields.servicePhone} value={phone} onInput={setPhone} error={phoneErr} />
      </Section>
      <Button
        className='btn-block'
        type='primary'
        disabled={busy || !!noticeErr || !!phoneErr || Object.keys(changed).length === 0}
        onClick={() => void save()}
      >
        {busy ? t.console.saving : t.console.save}
      </Button>
    </View>
  )
}

export default function CardEditPage() {
  const { cardId } = usePageQuery()
  return (
    <Gate title={cardId ? t.console.editCard : t.console.newCard}>{() => (cardId ? <EditForm cardId={cardId} /> : <CreateForm />)}</Gate>
  )
}

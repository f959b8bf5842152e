import { Image, Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Dialog, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { useOneAtATime } from '../../../hooks/useOneAtATime'
import { userMessage } from '../../../services/errors'
import { openPage, usePageShow } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { beijingDate } from '../../../utils/time'
import { consoleApi, type GiftCardRow } from '../../api'
import { Gate } from '../../components/Gate'
import { ReviewRefusal, ReviewTag } from '../../components/Review'
import { useDeliveryQr } from '../../components/QrView'

/** The most one change moves the stock (merchant.cardStock's `delta`: ±100,000,000, never 0). */
const MAX_STOCK_DELTA = 100_000_000

/** The stock change typed (+20, -5), or undefined when it is not a whole number within ±1 亿 other than 0. */
export function stockDelta(text: string): number | undefined {
  const m = /^([+-]?)(\d{1,9})$/.exec(text.trim())
  if (!m) return undefined
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1)
  return n !== 0 && Math.abs(n) <= MAX_STOCK_DELTA ? n : undefined
}

function CardRow({
  c,
  onChanged,
  toast,
}: {
  c: GiftCardRow
  onChanged: () => Promise<void>
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const [stock, setStock] = useState('')
  /** why the last stock change was refused, kept under the field until it is edited */
  const [refused, setRefused] = useState<string>()
  /** the stock WeChat holds, once asked for (one card/get a card, so not for every card of the list) */
  const [left, setLeft] = useState<number | 'unknown'>()
  const lookUpStock = async () => {
    try {
      setLeft((await consoleApi.stockLeft(c.cardId)) ?? 'unknown')
    } catch (err) {
      toast(userMessage(err), 'fail')
    }
  }
  const act = async (run: () => Promise<unknown>, done: string, onRefused?: (why: string) => void) => {
    try {
      await run()
      toast(done, 'success')
      await onChanged()
      return true
    } catch (err) {
      const why = userMessage(err)
      onRefused?.(why)
      toast(why, 'fail')
      return false
    }
  }
  const [askingOffSale, setAskingOffSale] = useState(false)
  const qr = useDeliveryQr(c.cardId, t.console.qrcode, toast)
  const delta = stockDelta(stock)
  const stockError = stock.trim() === '' ? undefined : delta === undefined ? t.console.stockRule : refused
  // A stock change is not idempotent (each call moves WeChat's stock by delta): a double tap sends it once.
  const [busy, oneAtATime] = useOneAtATime()
  const changeStock = () =>
    oneAtATime(async () => {
      if (delta === undefined) return
      setRefused(undefined)
      const done = await act(() => consoleApi.cardStock(c.cardId, delta), t.console.stockChanged, setRefused)
      if (done) setStock('')
      // What was shown is no longer the stock: ask again after a change.
      if (done && left !== undefined) await lookUpStock()
    })
  return (
    <View className='card-tile plain merchant-card' data-card={c.cardId}>
      <View className='row'>
        {c.backgroundPicUrl ? <Image className='thumb' src={c.backgroundPicUrl} mode='aspectFill' /> : null}
        <View className='grow'>
          <View className='section-title'>{c.title}</View>
          <View className='muted'>
            {t.console.price} {yuan(c.price)} · {t.console.balance} {yuan(c.initBalance ?? c.price)}
            {c.endTime ? ' · ' : ''}
            {c.endTime ? <Text className='nowrap'>{t.console.validUntil(beijingDate(c.endTime))}</Text> : null}
          </View>
        </View>
      </View>
      <View className='row'>
        <ReviewTag status={c.reviewStatus} />
        <Tag type={c.onSale ? 'primary' : 'default'}>{c.onSale ? t.merchant.onSale : t.merchant.offSale}</Tag>
        {left === undefined ? (
          <Button size='small' fill='outline' className='stock-look' onClick={() => void lookUpStock()}>
            {t.console.stockLook}
          </Button>
        ) : (
          <Text className='muted stock-left'>{left === 'unknown' ? t.console.stockUnknown : t.console.stockLeft(left)}</Text>
        )}
      </View>
      <ReviewRefusal status={c.reviewStatus} reason={c.reviewReason}>
        <Button size='small' type='primary' onClick={() => void openPage(`/merchant/pages/card-edit/index?cardId=${c.cardId}`)}>
          {t.merchant.resubmit}
        </Button>
      </ReviewRefusal>
      <View className={`stock-form${stockError ? ' field-error' : ''}`}>
        <View className='row'>
          <Input
            className='input input-small'
            type='text'
            value={stock}
            placeholder={t.console.stockDelta}
            onInput={(e) => {
              setStock(e.detail.value)
              setRefused(undefined)
            }}
          />
          <Button size='small' fill='outline' disabled={delta === undefined || busy} onClick={() => void changeStock()}>
            {t.console.stock}
          </Button>
        </View>
        {stockError && <Text className='field-msg error stock-error'>{stockError}</Text>}
      </View>
      <View className='row-actions'>
        <Button size='small' fill='outline' onClick={() => void openPage(`/merchant/pages/card-edit/index?cardId=${c.cardId}`)}>
          {t.console.edit}
        </Button>
        {c.onSale && (
          <Button size='small' fill='outline' onClick={() => setAskingOffSale(true)}>
            {t.console.offSale}
          </Button>
        )}
        {qr.button}
      </View>
      {!c.onSale && <View className='small muted off-sale-hint'>{t.console.offSaleHint}</View>}
      {qr.code}
      {/* Taking a card off sale stops the shop selling it at once: one tap too many must not do it. */}
      <Dialog
        visible={askingOffSale}
        title={t.console.offSaleTitle}
        content={t.console.offSaleText(c.title)}
        confirmText={t.console.offSale}
        cancelText={t.common.cancel}
        onConfirm={() => {
          setAskingOffSale(false)
          void act(() => consoleApi.cardOffSale(c.cardId), t.console.offSaleDone)
        }}
        onCancel={() => setAskingOffSale(false)}
      />
    </View>
  )
}

function CardsView() {
  const [data, reload] = useCloudData(consoleApi.cards)
  const [toast, showToast] = useToast()
  usePageShow(() => void reload())
  return (
    <View>
      {toast}
      <Button className='btn-block' type='primary' onClick={() => void openPage('/merchant/pages/card-edit/index')}>
        {t.console.newCard}
      </Button>
      <AsyncState value={data} onRetry={reload} isEmpty={(d) => d.cards.length === 0} empty={t.console.noCards}>
        {(d) => (
          <Section title={t.merchant.cards}>
            {d.cards.map((c) => (
              <CardRow key={c.cardId} c={c} onChanged={reload} toast={showToast} />
            ))}
          </Section>
        )}
      </AsyncState>
    </View>
  )
}

export default function CardsPage() {
  return <Gate title={t.console.menu.cards}>{() => <CardsView />}</Gate>
}

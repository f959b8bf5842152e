import { Image, Input, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { openPage, usePageShow } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { beijingDate } from '../../../utils/time'
import { consoleApi, type GiftCardRow } from '../../api'
import { Gate } from '../../components/Gate'
import { ReviewRefusal, ReviewTag } from '../../components/Review'
import { DeliveryQr } from '../../components/QrView'

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
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run()
      toast(done, 'success')
      await onChanged()
    } catch (err) {
      toast(userMessage(err), 'fail')
    }
  }
  return (
    <View className='card-tile plain merchant-card' data-card={c.cardId}>
      <View className='row'>
        {c.backgroundPicUrl ? <Image className='thumb' src={c.backgroundPicUrl} mode='aspectFill' /> : null}
        <View className='grow'>
          <View className='section-title'>{c.title}</View>
          <View className='muted'>
            {t.console.price} {yuan(c.price)} · {t.console.balance} {yuan(c.initBalance ?? c.price)}
            {c.endTime ? ` · ${t.console.validUntil(beijingDate(c.endTime))}` : ''}
          </View>
        </View>
      </View>
      <View className='row'>
        <ReviewTag status={c.reviewStatus} />
        <Tag type={c.onSale ? 'primary' : 'default'}>{c.onSale ? t.merchant.onSale : t.merchant.offSale}</Tag>
      </View>
      <ReviewRefusal status={c.reviewStatus} reason={c.reviewReason}>
        <Button size='small' type='primary' onClick={() => void openPage(`/merchant/pages/card-edit/index?cardId=${c.cardId}`)}>
          {t.merchant.resubmit}
        </Button>
      </ReviewRefusal>
      <View className='row'>
        <Input
          className='input input-small'
          type='text'
          value={stock}
          placeholder={t.console.stockDelta}
          onInput={(e) => setStock(e.detail.value)}
        />
        <Button
          size='small'
          fill='outline'
          disabled={!/^-?\d{1,9}$/.test(stock) || Number(stock) === 0}
          onClick={() => void act(() => consoleApi.cardStock(c.cardId, Number(stock)), t.console.stockChanged)}
        >
          {t.console.stock}
        </Button>
      </View>
      <View className='row-actions'>
        <Button size='small' fill='outline' onClick={() => void openPage(`/merchant/pages/card-edit/index?cardId=${c.cardId}`)}>
          {t.console.edit}
        </Button>
        {c.onSale && (
          <Button size='small' fill='outline' onClick={() => void act(() => consoleApi.cardOffSale(c.cardId), t.console.offSaleDone)}>
            {t.console.offSale}
          </Button>
        )}
      </View>
      <DeliveryQr cardId={c.cardId} label={t.console.qrcode} toast={toast} />
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

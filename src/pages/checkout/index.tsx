import { Button, Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { payWithGiftCard, type CheckoutResult } from '../../flows/checkout'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { usePageShow } from '../../services/page'
import type { Card } from '../../services/types'
import { formatYuan } from '../../utils/money'

/** The demo order from the merchant's shop in the Mini Program. */
const DEMO_ORDER = [
  { name: 'Latte', price: 2800 },
  { name: 'Croissant', price: 200 },
]

type Paying = { state: 'idle' } | { state: 'busy' } | { state: 'done'; result: CheckoutResult } | { state: 'error'; message: string }

export default function Checkout() {
  const [mine, reload] = useCloudData(() => cardApi.listMine())
  usePageShow(() => void reload())
  const [chosen, setChosen] = useState<Card | undefined>()
  const [paying, setPaying] = useState<Paying>({ state: 'idle' })
  const total = DEMO_ORDER.reduce((s, i) => s + i.price, 0)
  // One id per visit: a retried tap pays the same checkout once.
  const checkoutId = useMemo(() => `CK${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, [])

  const pay = async () => {
    if (!chosen) return
    setPaying({ state: 'busy' })
    try {
      setPaying({ state: 'done', result: await payWithGiftCard(chosen, checkoutId, total, DEMO_ORDER.map((i) => i.name).join(', ')) })
      void reload()
    } catch (err) {
      setPaying({ state: 'error', message: (err as Error).message })
    }
  }

  return (
    <View className='page'>
      <View className='header'>Checkout</View>
      <View className='card-tile'>
        {DEMO_ORDER.map((i) => (
          <View className='row' key={i.name}>
            <Text>{i.name}</Text>
            <Text>¥{formatYuan(i.price)}</Text>
          </View>
        ))}
        <View className='row card-title'>
          <Text>Total</Text>
          <Text id='total'>¥{formatYuan(total)}</Text>
        </View>
      </View>
      <View className='card-title'>Pay with a gift card</View>
      <AsyncState value={mine} onRetry={reload} isEmpty={(d) => !d.cards.some((c) => c.status === 'NORMAL')} empty='You have no active gift card to pay with.'>
        {(d) =>
          d.cards
            .filter((c) => c.status === 'NORMAL')
            .map((c) => (
              <View key={`${c.cardId}:${c.code}`} className={chosen?.code === c.code ? 'selected-tile' : ''}>
                <CardTile card={c} onOpen={() => setChosen(c)} />
              </View>
            ))
        }
      </AsyncState>
      {chosen && paying.state !== 'done' && (
        <View>
          {chosen.balance < total && <View className='note'>The card covers ¥{formatYuan(chosen.balance)}; the remaining ¥{formatYuan(total - chosen.balance)} is paid with WeChat Pay.</View>}
          <Button className='btn primary' disabled={paying.state === 'busy'} onClick={() => void pay()}>
            Pay ¥{formatYuan(total)}
          </Button>
        </View>
      )}
      {paying.state === 'busy' && <View className='note'>Paying…</View>}
      {paying.state === 'error' && <Text className='error'>{paying.message}</Text>}
      {paying.state === 'done' && (
        <View className='note ok' id='paid'>
          Paid. New balance ¥{formatYuan(paying.result.balance)}
          {paying.result.paidByWeChatPay > 0 ? `, ¥${formatYuan(paying.result.paidByWeChatPay)} with WeChat Pay` : ''}
        </View>
      )}
    </View>
  )
}

import { Button, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useCloudData } from '../../../hooks/useCloudData'
import { merchantApi, type ShelfOrderRow } from '../../../services/api'
import { formatYuan } from '../../../utils/money'

async function loadMerchant() {
  const overview = await merchantApi.overview()
  const [cards, shelves, orders] = await Promise.all([merchantApi.cards(), merchantApi.shelves(), merchantApi.orders()])
  return { overview, cards: cards.cards, shelves: shelves.shelves, orders: orders.orders }
}


/** Where an order was paid: the Mini Program, a shop checkout, or WeChat's hosted shelf. */
const CHANNEL_LABEL: Record<ShelfOrderRow['channel'], string> = { mp: '小程序', checkout: '收银', shelf: '货架' }
export default function MerchantHome() {
  const [data, reload] = useCloudData(loadMerchant)
  const [notice, setNotice] = useState('')
  const refund = async (orderId: string) => {
    try {
      await merchantApi.refund(orderId)
      setNotice(`Order ${orderId} refunded`)
      await reload()
    } catch (err) {
      setNotice((err as Error).message)
    }
  }
  return (
    <View className='page'>
      <View className='header'>Merchant</View>
      {notice && <View className='note'>{notice}</View>}
      <AsyncState value={data} onRetry={reload}>
        {(d) => (
          <View>
            <View className='muted'>
              Gift cards: {d.overview.cards} · Shelves: {d.overview.shelves} · Orders: {d.overview.orders}
            </View>
            <View className='card-title'>Gift cards</View>
            {d.cards.map((c) => (
              <View className='row' key={c.cardId}>
                <Text>{c.title}</Text>
                <Text>
                  ¥{formatYuan(c.price)} · {c.onSale ? 'on sale' : 'not on a shelf'} · {c.reviewStatus}
                </Text>
              </View>
            ))}
            <View className='card-title'>Shelves</View>
            {d.shelves.map((s) => (
              <View className='card-tile' key={s.pageId}>
                <View>{s.title || s.pageId}</View>
                <View className='muted'>{s.maintain ? 'taken down' : s.link}</View>
              </View>
            ))}
            <View className='card-title'>Orders</View>
            {d.orders.map((o) => (
              <View className='card-tile' key={o.orderId}>
                <View className='row'>
                  <Text>{o.orderId}</Text>
                  <Text>
                    {CHANNEL_LABEL[o.channel]} · ¥{formatYuan(o.totalPrice)} · {o.state}
                  </Text>
                </View>
                {o.cards.map((c, i) => (
                  <View className='muted' key={`${c.cardId}:${c.code ?? i}`}>
                    {c.cardId} {c.code ? `#${c.code}` : ''} ¥{formatYuan(c.price)}
                  </View>
                ))}
                {o.state !== 'REFUNDED' && o.channel !== 'checkout' && (
                  <Button className='btn' onClick={() => void refund(o.orderId)}>
                    Refund
                  </Button>
                )}
              </View>
            ))}
          </View>
        )}
      </AsyncState>
    </View>
  )
}

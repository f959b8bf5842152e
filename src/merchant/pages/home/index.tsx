import { Text, View } from '@tarojs/components'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { PageShell, Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { merchantApi } from '../../../services/api'
import { userMessage } from '../../../services/errors'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'

async function loadMerchant() {
  const overview = await merchantApi.overview()
  const [cards, shelves, orders] = await Promise.all([merchantApi.cards(), merchantApi.shelves(), merchantApi.orders()])
  return { overview, cards: cards.cards, shelves: shelves.shelves, orders: orders.orders }
}

export default function MerchantHome() {
  const [data, reload] = useCloudData(loadMerchant)
  const [toast, showToast] = useToast()
  const refund = async (orderId: string) => {
    try {
      await merchantApi.refund(orderId)
      showToast(t.merchant.refunded(orderId), 'success')
      await reload()
    } catch (err) {
      showToast(userMessage(err), 'fail')
    }
  }
  return (
    <PageShell title={t.merchant.title}>
      {toast}
      <AsyncState value={data} onRetry={reload}>
        {(d) => (
          <View>
            <View className='muted'>{t.merchant.overview(d.overview.cards, d.overview.shelves, d.overview.orders)}</View>
            <Section title={t.merchant.cards}>
              {d.cards.map((c) => (
                <View className='row' key={c.cardId}>
                  <Text>{c.title}</Text>
                  <Text>
                    {yuan(c.price)} · {c.onSale ? t.merchant.onSale : t.merchant.offSale} · {t.merchant.review[c.reviewStatus] ?? c.reviewStatus}
                  </Text>
                </View>
              ))}
            </Section>
            <Section title={t.merchant.shelves}>
              {d.shelves.map((s) => (
                <View className='card-tile plain' key={s.pageId}>
                  <View>{s.title || s.pageId}</View>
                  <View className='muted'>{s.maintain ? t.merchant.takenDown : s.link}</View>
                </View>
              ))}
            </Section>
            <Section title={t.merchant.orders}>
              {d.orders.map((o) => (
                <View className='card-tile plain' key={o.orderId}>
                  <View className='row'>
                    <Text className='small'>{o.orderId}</Text>
                    <Tag type={o.state === 'REFUNDED' ? 'default' : 'success'}>{t.merchant.orderState[o.state] ?? o.state}</Tag>
                  </View>
                  <View className='row'>
                    <Text className='muted'>{t.merchant.channel[o.channel] ?? o.channel} · {o.cards.length} 张</Text>
                    <Text>{yuan(o.totalPrice)}</Text>
                  </View>
                  {o.state !== 'REFUNDED' && o.channel !== 'checkout' && (
                    <Button size='small' fill='outline' onClick={() => void refund(o.orderId)}>
                      {t.merchant.refund}
                    </Button>
                  )}
                </View>
              ))}
            </Section>
          </View>
        )}
      </AsyncState>
    </PageShell>
  )
}

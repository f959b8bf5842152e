import { Text, View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { PageShell, Section } from '../../components/PageShell'
import { Button } from '../../components/ui'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { notFoundFromLink } from '../../services/errors'
import { openTab, usePageQuery } from '../../services/page'
import { t } from '../../strings'
import { yuan } from '../../utils/money'

const toMyCards = () => void openTab('/pages/index/index')

/**
 * Opened by the shelf's after-sales cells (refund, invoice): WeChat adds order_id and openid to the
 * cell's url (gift-card-api §7.2 note 3, §14.2). The openid is passed on only to be checked against
 * the order; who may see it is decided by the caller's own identity in the cloud function.
 */
export default function OrderDetail() {
  const q = usePageQuery()
  const [order, reload] = useCloudData(async () =>
    q.order_id ? (await cardApi.shelfOrder(q.order_id, q.openid).catch(notFoundFromLink('ORDER_NOT_FOUND'))).order : undefined,
  )
  if (!q.order_id) {
    return (
      <PageShell title={t.order.title}>
        <View className='note' id='order-missing'>
          {t.order.missing}
        </View>
        <Button className='btn-block' type='primary' onClick={toMyCards}>
          {t.common.seeMyCards}
        </Button>
      </PageShell>
    )
  }
  return (
    <PageShell title={t.order.title}>
      <AsyncState value={order} onRetry={reload} leave={{ label: t.common.seeMyCards, onLeave: toMyCards }}>
        {(o) =>
          o && (
            <View>
              <Section title={t.order.number(o.orderId)} id='order'>
                <View className='row'>
                  <Text>{t.order.state}</Text>
                  <Text id='order-state'>{t.order.states[o.state] ?? o.state}</Text>
                </View>
                <View className='row'>
                  <Text>{t.order.total}</Text>
                  <Text>{yuan(o.totalPrice)}</Text>
                </View>
                {o.cards.map((c) => (
                  <View className='card-tile' key={c.code}>
                    <View>{c.title || c.cardId}</View>
                    <View className='muted'>{t.order.cardLine(c.code, yuan(c.price), yuan(c.balance))}</View>
                  </View>
                ))}
              </Section>
              <View className='note'>{t.order.afterSales}</View>
              <Button className='btn-block' onClick={toMyCards}>
                {t.common.seeMyCards}
              </Button>
            </View>
          )
        }
      </AsyncState>
    </PageShell>
  )
}

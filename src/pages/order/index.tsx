import { Text, View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { usePageQuery } from '../../services/page'
import { formatYuan } from '../../utils/money'

const STATE_LABEL: Record<string, string> = {
  PAID: '已支付',
  SENDING: '赠送中',
  ACCEPTED: '已领取',
  RETURNED: '未领取，已退回',
  REFUNDED: '已退款',
  INVOICE_AUTHORIZED: '已申请发票',
}

/**
 * Opened by the shelf's after-sales cells (refund, invoice): WeChat adds order_id and openid to the
 * cell's url (gift-card-api §7.2 note 3, §14.2). The openid is passed on only to be checked against
 * the order; who may see it is decided by the caller's own identity in the cloud function.
 */
export default function OrderDetail() {
  const q = usePageQuery()
  const [order, reload] = useCloudData(async () => (q.order_id ? (await cardApi.shelfOrder(q.order_id, q.openid)).order : undefined))
  if (!q.order_id) {
    return (
      <View className='page'>
        <View className='note' id='order-missing'>
          链接中缺少订单号，请从订单页重新打开
        </View>
      </View>
    )
  }
  return (
    <View className='page'>
      <AsyncState value={order} onRetry={reload}>
        {(o) =>
          o && (
            <View>
              <View className='header'>订单 {o.orderId}</View>
              <View className='row'>
                <Text>状态</Text>
                <Text id='order-state'>{STATE_LABEL[o.state] ?? o.state}</Text>
              </View>
              <View className='row'>
                <Text>合计</Text>
                <Text>¥{formatYuan(o.totalPrice)}</Text>
              </View>
              {o.cards.map((c) => (
                <View className='card-tile' key={c.code}>
                  <View>{c.title || c.cardId}</View>
                  <View className='muted'>
                    卡号 {c.code} · 面值 ¥{formatYuan(c.price)} · 余额 ¥{formatYuan(c.balance)}
                  </View>
                </View>
              ))}
              <View className='note'>如需退款或开具发票，请联系商家客服并提供以上订单号。</View>
            </View>
          )
        }
      </AsyncState>
    </View>
  )
}

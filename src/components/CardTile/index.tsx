import { Text, View } from '@tarojs/components'
import type { Card } from '../../services/types'
import { formatYuan } from '../../utils/money'

const STATUS_LABEL: Record<Card['status'], string> = {
  NORMAL: 'Active',
  CONSUMED: 'Used up',
  EXPIRE: 'Expired',
  GIFTING: 'Being gifted',
  GIFT_TIMEOUT: 'Gift returned',
  DELETE: 'Deleted',
  UNAVAILABLE: 'Unavailable',
  GIFTED: '已赠送',
}

export function CardTile({ card, onOpen }: { card: Card; onOpen?: (card: Card) => void }) {
  return (
    <View className='card-tile' onClick={() => onOpen?.(card)}>
      <View className='card-title'>{card.title}</View>
      <Text className='balance'>¥{formatYuan(card.balance)}</Text>
      <View className='muted'>{STATUS_LABEL[card.status]}</View>
    </View>
  )
}

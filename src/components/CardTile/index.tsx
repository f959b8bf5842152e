import { View } from '@tarojs/components'
import type { Card } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { CardFace } from '../CardFace'
import { Tag } from '../ui'

/** A card in a list: its face, title, balance and status (已赠送, never "deleted", for a card given away). */
export function CardTile({ card, onOpen, selected }: { card: Card; onOpen?: (card: Card) => void; selected?: boolean }) {
  const usable = card.status === 'NORMAL'
  return (
    <View className={`card-tile ${selected ? 'selected-tile' : ''} ${usable ? '' : 'card-tile-off'}`} onClick={() => onOpen?.(card)} data-code={card.code}>
      <CardFace
        face={card.backgroundPicUrl}
        title={card.title}
        amount={yuan(card.balance)}
        badge={<Tag type={usable ? 'success' : 'default'} className='card-status'>{t.status[card.status] ?? t.status.UNAVAILABLE}</Tag>}
      >
        {card.giftFrom && <View className='card-face-from'>{t.home.fromFriend(card.giftFrom)}</View>}
      </CardFace>
    </View>
  )
}

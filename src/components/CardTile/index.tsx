import { View } from '@tarojs/components'
import type { Card } from '../../services/types'
import { t } from '../../strings'
import { couponLines, dateOf, isCoupon } from '../../utils/coupon'
import { yuan } from '../../utils/money'
import { shownStatus } from '../../utils/card-status'
import { CardFace } from '../CardFace'
import { Tag } from '../ui'

/**
 * A card in a list: its face, title, balance and status (已赠送, never "deleted", for a card given away).
 * A coupon shows what it offers instead of a balance (减 ¥10 · 满 ¥100, 8.5 折, 兑换 …) and its validity.
 */
export function CardTile({ card, onOpen, selected }: { card: Card; onOpen?: (card: Card) => void; selected?: boolean }) {
  const status = shownStatus(card)
  const usable = status === 'NORMAL'
  const coupon = isCoupon(card.type)
  const lines = coupon ? couponLines(card.type, card.terms) : undefined
  return (
    <View
      className={`card-tile ${selected ? 'selected-tile' : ''} ${usable ? '' : 'card-tile-off'} ${coupon ? 'coupon-tile' : ''}`}
      onClick={() => onOpen?.(card)}
      data-code={card.code}
      data-type={card.type ?? 'GIFT_CARD'}
    >
      <CardFace
        face={card.backgroundPicUrl}
        title={card.title}
        amount={lines ? lines.main : yuan(card.balance)}
        badge={
          <Tag type={usable ? 'success' : 'default'} className='card-status'>
            {coupon && status === 'CONSUMED' ? t.coupon.used : (t.status[status] ?? t.status.UNAVAILABLE)}
          </Tag>
        }
      >
        {card.giftFrom && <View className='card-face-from'>{t.home.fromFriend(card.giftFrom)}</View>}
        {!!card.held && <View className='card-face-from card-held'>{t.card.held(yuan(card.held))}</View>}
        {lines && (
          <View className='card-face-from coupon-terms'>
            {[
              lines.condition,
              card.terms?.friend ? t.coupon.friend : undefined,
              card.endTime ? t.coupon.validUntil(dateOf(card.endTime)) : undefined,
            ]
              .filter(Boolean)
              .join(' · ')}
          </View>
        )}
      </CardFace>
    </View>
  )
}

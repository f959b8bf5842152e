import { Button, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { usePageQuery } from '../../services/page'
import type { Card, Entry } from '../../services/types'
import { openCard } from '../../services/wx'
import { formatYuan } from '../../utils/money'

const KIND_LABEL: Record<string, string> = { issue: 'Card issued', spend: 'Spent', reversal: 'Refunded to card', refund: 'Order refunded', adjust: 'Adjusted', transfer_in: 'Received as a gift', transfer_out: 'Gifted' }
const NOT_SPENDABLE: Record<string, string> = {
  GIFTING: 'This card is being gifted to a friend.',
  CONSUMED: 'This card has been used up.',
  EXPIRE: 'This card has expired.',
  DELETE: 'This card was removed from the card bag.',
  UNAVAILABLE: 'This card is no longer available.',
  GIFT_TIMEOUT: 'The gift was not accepted and returned.',
  GIFTED: '这张卡已赠送给好友。',
}

/** Validity dates as merchants set them: Beijing time (UTC+8), whatever the phone's zone. */
const day = (s: number) => (s ? new Date((s + 8 * 3600) * 1000).toISOString().slice(0, 10) : '—')

/**
 * Opened from My cards (cardId, code) or by WeChat from the card's custom cell with the jump protocol
 * (card_id, encrypt_code, openid, outer_str): encrypt_code arrives URL-encoded and is decoded exactly
 * once here (base64 has no %, so a second decode would change nothing, but a missing one would).
 */
async function loadCard(q: Record<string, string | undefined>): Promise<{ card: Card; history: Entry[] }> {
  if (q.encrypt_code && q.card_id) {
    const { card } = await cardApi.decryptCode(q.card_id, decodeURIComponent(q.encrypt_code))
    return cardApi.detail(card.cardId, card.code)
  }
  return cardApi.detail(q.cardId ?? '', q.code ?? '')
}

export default function CardDetail() {
  const query = usePageQuery()
  const [detail, reload] = useCloudData(() => loadCard(query))
  const [openError, setOpenError] = useState('')
  return (
    <View className='page'>
      <AsyncState value={detail} onRetry={reload}>
        {(d) => (
          <View>
            <CardTile card={d.card} />
            <View className='row'>
              <Text>Valid</Text>
              <Text>
                {day(d.card.beginTime)} – {day(d.card.endTime)}
              </Text>
            </View>
            {d.card.status === 'NORMAL' ? (
              <Button className='btn primary' onClick={() => openCard([{ cardId: d.card.cardId, code: d.card.code }]).catch((e: Error) => setOpenError(e.message))}>
                Open in card bag
              </Button>
            ) : (
              <View className='note' id='not-spendable'>
                {NOT_SPENDABLE[d.card.status] ?? d.card.status} Spending is disabled.
              </View>
            )}
            {openError && <Text className='error'>{openError}</Text>}
            <View className='card-title'>History</View>
            {d.history.map((e) => (
              <View className='row' key={e.entryId}>
                <Text>{KIND_LABEL[e.kind] ?? e.kind}</Text>
                <Text>
                  {e.amount > 0 ? '+' : ''}
                  {formatYuan(e.amount)} → ¥{formatYuan(e.balanceAfter)}
                </Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
    </View>
  )
}

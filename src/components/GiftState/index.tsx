import { Text, View } from '@tarojs/components'
import { CardFace } from '../CardFace'
import { useToast } from '../Notice'
import { Button, Tag } from '../ui'
import { GIFT_TAG } from '../ui/gift-tag'
import { copyText, openTab } from '../../services/page'
import type { Gift, Share } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { beijingDateTime } from '../../utils/time'

/** Who claimed a gift's cards, first first, by name (a group gift's record; never an openid). */
export function GiftClaims({ gift }: { gift: Gift }) {
  if (gift.count < 2 && gift.claims.length === 0) return null
  return (
    <View className='gift-claims' id='gift-claims'>
      <View className='row'>
        <Text className='section-title'>{t.gift.claimsTitle}</Text>
        {gift.status === 'PENDING' && (
          <Text className='muted small' id='gift-remaining'>
            {t.gift.remaining(gift.remaining, gift.count)}
          </Text>
        )}
      </View>
      {gift.claims.length === 0 && <View className='muted'>{t.gift.noClaims}</View>}
      {gift.claims.map((c, i) => (
        <View className='row gift-claim' key={`${c.name}-${c.claimedAt}-${i}`}>
          <Text>{t.gift.claimLine(c.name)}</Text>
          <Text className='muted small'>{beijingDateTime(c.claimedAt)}</Text>
        </View>
      ))}
    </View>
  )
}

/**
 * The giver's view of one gift — on the gift page, and on the claim page when the giver opens her own
 * link: the envelope the friends see, sharing it while it waits, who claimed, and what came back.
 */
export function GiftState({ gift, share }: { gift: Gift; share?: Share }) {
  const [toast, showToast] = useToast()
  const group = gift.count > 1
  const link = share ? share.path : ''
  const unclaimed = gift.count - gift.claims.length
  return (
    <View className='envelope' id='envelope'>
      {toast}
      <View className='envelope-top'>
        <View className='envelope-head'>
          <Text className='envelope-title'>{group ? t.gift.envelopeGroup(gift.from, gift.count) : t.gift.envelope(gift.from)}</Text>
          <Tag type={GIFT_TAG[gift.status]} id='gift-status'>
            {t.giftStatus[gift.status]}
          </Tag>
        </View>
        <View className='envelope-blessing' id='gift-message'>
          「{gift.message}」
        </View>
      </View>
      <CardFace face={gift.face} title={gift.title} amount={yuan(gift.amount)} />
      {gift.status === 'PENDING' && gift.mine && (
        <View>
          <Button
            className='btn-block'
            type='primary'
            openType='share'
            id='share'
            onClick={() => process.env.TARO_ENV === 'h5' && void copyText(link).then(() => showToast(t.gift.linkLabel, 'success'))}
          >
            {group ? t.gift.shareGroup : t.gift.share}
          </Button>
          {/* The hint sits under the button it names: "上方". */}
          <View className='muted center' id='share-hint'>
            {group ? t.gift.shareGroupHint(gift.count) : t.gift.shareHint}
          </View>
          {process.env.TARO_ENV === 'h5' && link && (
            <View className='muted center' id='claim-link'>
              {t.gift.linkLabel}：{link}
            </View>
          )}
          <View className='muted center'>{t.gift.expiresAt(beijingDateTime(gift.expiresAt))}</View>
        </View>
      )}
      {gift.status === 'CLAIMED' && !group && gift.claimedAt && (
        <View className='note ok center'>{t.gift.claimedAt(beijingDateTime(gift.claimedAt))}</View>
      )}
      {gift.status === 'RETURNED' && (
        <View className='note center' id='gift-returned'>
          {group ? t.gift.partlyReturned(unclaimed) : t.gift.returnedAt}
        </View>
      )}
      <GiftClaims gift={gift} />
      <Button className='btn-block' fill='outline' onClick={() => void openTab('/pages/index/index')}>
        {t.common.seeMyCards}
      </Button>
    </View>
  )
}

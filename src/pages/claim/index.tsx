import { Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { GiftClaims, GiftState } from '../../components/GiftState'
import { PageShell } from '../../components/PageShell'
import { Button, IconGift, IconSuccess } from '../../components/ui'
import { claimGift } from '../../flows/gift'
import { useCloudData } from '../../hooks/useCloudData'
import { giftApi } from '../../services/api'
import { notFoundFromLink, reasonOf, userMessage } from '../../services/errors'
import { openTab, usePageQuery, useShare } from '../../services/page'
import type { Card, Gift } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'

type Claiming =
  { state: 'idle' } | { state: 'busy' } | { state: 'done'; cards: Card[] } | { state: 'error'; message: string; reason?: string }

/** Refusals that end the friend's chance at this gift: the page says so once and offers a way on. */
const ENDED = new Set(['GIFT_TAKEN', 'GIFT_ALL_CLAIMED', 'GIFT_RETURNED', 'GIFT_UNAVAILABLE', 'GIFT_NOT_FOUND'])

/** The one sentence for a gift this person can no longer claim, read from the gift itself. */
function endedText(gift: Gift): string {
  if (gift.status === 'RETURNED') return t.claim.returned
  return gift.count > 1 ? t.claim.allClaimed : t.claim.taken
}

/** The friend opens the shared gift: who sent it, the blessing and the face; claims it (or one card of a group gift). */
export default function ClaimPage() {
  const { giftId = '' } = usePageQuery()
  const [data, reload] = useCloudData(() => giftApi.get(giftId).catch(notFoundFromLink('GIFT_NOT_FOUND')))
  const [claiming, setClaiming] = useState<Claiming>({ state: 'idle' })
  const inFlight = useRef(false)
  // The giver may forward the same envelope again from here.
  useShare(() => (data.state === 'ready' ? data.data.share : undefined))

  const claim = async () => {
    if (inFlight.current) return
    inFlight.current = true
    setClaiming({ state: 'busy' })
    try {
      setClaiming({ state: 'done', cards: await claimGift(giftId) })
      // A group gift's record now names this claim too.
      void reload()
    } catch (err) {
      setClaiming({ state: 'error', message: userMessage(err), reason: reasonOf(err) })
      void reload()
    } finally {
      inFlight.current = false
    }
  }

  // The giver opening her own link sees her gift's state, not an envelope addressed to her.
  const mine = data.state === 'ready' && data.data.gift.mine
  return (
    <PageShell title={mine ? t.claim.mineTitle : t.claim.title} className='claim-page'>
      <AsyncState value={data} onRetry={reload} leave={{ label: t.common.seeMyCards, onLeave: () => void openTab('/pages/index/index') }}>
        {({ gift, share }) => {
          if (gift.mine) return <GiftState gift={gift} share={share} />
          // Claimed and in the card bag: a group gift stays PENDING while others may still claim, so its status
          // does not say whether this person is done; their own claim does.
          const done = claiming.state === 'done' || (gift.claimedByMe && gift.added !== false)
          // Claimed, but the add sheet was closed: claiming again signs the card for the card bag anew.
          const canClaim = gift.status === 'PENDING' || gift.claimedByMe
          // Lost the race (or came too late): one sentence, from the refusal or from the gift, never both.
          const lost = claiming.state === 'error' && !!claiming.reason && ENDED.has(claiming.reason)
          const ended = !done && (lost || !canClaim)
          const group = gift.count > 1
          return (
            <View className='envelope' id='envelope'>
              <View className='envelope-top'>
                <View className='envelope-seal'>
                  <IconGift size={28} color='#b8322a' />
                </View>
                <Text className='envelope-title' id='gift-from'>
                  {group ? t.claim.fromGroup(gift.from, gift.count) : t.claim.from(gift.from)}
                </Text>
                <View className='envelope-blessing' id='gift-message'>
                  「{gift.message}」
                </View>
                {group && gift.status === 'PENDING' && !gift.claimedByMe && (
                  <View className='muted center' id='gift-left'>
                    {t.claim.left(gift.remaining)}
                  </View>
                )}
              </View>
              <CardFace face={gift.face} title={gift.title} amount={yuan(gift.amount)} />
              {done ? (
                <View className='center'>
                  <View className='note ok' id='claimed'>
                    <IconSuccess size={14} color='#1a7f37' /> {t.claim.claimed}
                  </View>
                  <Button className='btn-block' type='primary' onClick={() => void openTab('/pages/index/index')}>
                    {t.common.seeMyCards}
                  </Button>
                </View>
              ) : ended ? (
                <View className='center'>
                  <View className='note' id='not-claimable'>
                    {lost && claiming.state === 'error' ? claiming.message : endedText(gift)}
                  </View>
                  <Button className='btn-block' type='primary' id='go-on' onClick={() => void openTab('/pages/shop/index')}>
                    {t.claim.goShop}
                  </Button>
                </View>
              ) : (
                <Button
                  className='btn-block'
                  type='primary'
                  id='claim'
                  loading={claiming.state === 'busy'}
                  disabled={claiming.state === 'busy'}
                  onClick={() => void claim()}
                >
                  {claiming.state === 'busy' ? t.claim.claiming : gift.claimedByMe ? t.home.addToBag : t.claim.claim}
                </Button>
              )}
              {claiming.state === 'error' && !lost && !ended && !done && (
                <View className='error center' id='claim-error'>
                  {claiming.message}
                </View>
              )}
              {group && <GiftClaims gift={gift} />}
            </View>
          )
        }}
      </AsyncState>
    </PageShell>
  )
}

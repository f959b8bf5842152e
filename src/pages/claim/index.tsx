import { Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { PageShell } from '../../components/PageShell'
import { Button, IconGift, IconSuccess } from '../../components/ui'
import { claimGift } from '../../flows/gift'
import { useCloudData } from '../../hooks/useCloudData'
import { giftApi } from '../../services/api'
import { userMessage } from '../../services/errors'
import { openPage, openTab, usePageQuery, useShare } from '../../services/page'
import type { Card } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'

type Claiming = { state: 'idle' } | { state: 'busy' } | { state: 'done'; cards: Card[] } | { state: 'error'; message: string }

/** The friend opens the shared gift: who sent it, the blessing and the face; claims it into their card bag. */
export default function ClaimPage() {
  const { giftId = '' } = usePageQuery()
  const [data, reload] = useCloudData(() => giftApi.get(giftId))
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
    } catch (err) {
      setClaiming({ state: 'error', message: userMessage(err) })
      void reload()
    } finally {
      inFlight.current = false
    }
  }

  return (
    <PageShell title={t.claim.title} className='claim-page'>
      <AsyncState value={data} onRetry={reload}>
        {({ gift }) => {
          const done = claiming.state === 'done' || (gift.status === 'CLAIMED' && gift.claimedByMe && gift.added !== false)
          // Claimed, but the add sheet was closed: claiming again signs the card for the card bag anew.
          const canClaim = gift.status === 'PENDING' || (gift.status === 'CLAIMED' && gift.claimedByMe)
          return (
            <View className='envelope' id='envelope'>
              <View className='envelope-top'>
                <View className='envelope-seal'>
                  <IconGift size={28} color='#b8322a' />
                </View>
                <Text className='envelope-title' id='gift-from'>
                  {t.claim.from(gift.from)}
                </Text>
                <View className='envelope-blessing' id='gift-message'>
                  「{gift.message}」
                </View>
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
              ) : gift.mine ? (
                <View className='note center' id='own-gift'>
                  {gift.status === 'PENDING' ? t.claim.mine : t.giftStatus[gift.status]}
                  <Button className='btn-block' fill='outline' onClick={() => void openPage(`/pages/gift/index?giftId=${gift.giftId}`)}>
                    {t.gift.title}
                  </Button>
                </View>
              ) : canClaim ? (
                <Button
                  className='btn-block'
                  type='primary'
                  id='claim'
                  loading={claiming.state === 'busy'}
                  disabled={claiming.state === 'busy'}
                  onClick={() => void claim()}
                >
                  {claiming.state === 'busy' ? t.claim.claiming : gift.status === 'CLAIMED' ? t.home.addToBag : t.claim.claim}
                </Button>
              ) : (
                <View className='note center' id='not-claimable'>
                  {gift.status === 'RETURNED' ? t.claim.returned : t.claim.taken}
                </View>
              )}
              {claiming.state === 'error' && (
                <View className='error center' id='claim-error'>
                  {claiming.message}
                </View>
              )}
            </View>
          )
        }}
      </AsyncState>
    </PageShell>
  )
}

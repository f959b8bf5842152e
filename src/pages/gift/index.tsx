import { Text, View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { useToast } from '../../components/Notice'
import { PageShell } from '../../components/PageShell'
import { Button, Tag } from '../../components/ui'
import { useCloudData } from '../../hooks/useCloudData'
import { giftApi } from '../../services/api'
import { copyText, openTab, usePageQuery, usePageShow, useShare } from '../../services/page'
import type { Share } from '../../services/types'
import { GIFT_TAG } from '../../components/ui/gift-tag'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { beijingDateTime } from '../../utils/time'

/** The giver's view of one gift: the envelope the friend will see, sharing it into a chat, and its status. */
export default function GiftPage() {
  const { giftId = '' } = usePageQuery()
  const [data, reload] = useCloudData(() => giftApi.get(giftId))
  usePageShow(() => void reload())
  const [toast, showToast] = useToast()
  const share: Share | undefined = data.state === 'ready' ? data.data.share : undefined
  useShare(() => share)
  const link = share ? share.path : ''
  return (
    <PageShell title={t.gift.title}>
      {toast}
      <AsyncState value={data} onRetry={reload}>
        {({ gift }) => (
          <View className='envelope' id='envelope'>
            <View className='envelope-top'>
              <View className='envelope-head'>
                <Text className='envelope-title'>{t.gift.envelope(gift.from)}</Text>
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
                  {t.gift.share}
                </Button>
                <View className='muted center'>{t.gift.shareHint}</View>
                {process.env.TARO_ENV === 'h5' && (
                  <View className='muted center' id='claim-link'>
                    {t.gift.linkLabel}：{link}
                  </View>
                )}
                <View className='muted center'>{t.gift.expiresAt(beijingDateTime(gift.expiresAt))}</View>
              </View>
            )}
            {gift.status === 'CLAIMED' && gift.claimedAt && (
              <View className='note ok center'>{t.gift.claimedAt(beijingDateTime(gift.claimedAt))}</View>
            )}
            {gift.status === 'RETURNED' && <View className='note center'>{t.gift.returnedAt}</View>}
            <Button className='btn-block' fill='outline' onClick={() => void openTab('/pages/index/index')}>
              {t.common.seeMyCards}
            </Button>
          </View>
        )}
      </AsyncState>
    </PageShell>
  )
}

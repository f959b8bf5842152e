import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { PageShell } from '../../components/PageShell'
import { Tag } from '../../components/ui'
import { useCloudData } from '../../hooks/useCloudData'
import { giftApi } from '../../services/api'
import { openPage, usePageQuery, usePageShow, usePullDownRefresh } from '../../services/page'
import type { Gift } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { beijingDateTime } from '../../utils/time'
import { GIFT_TAG } from '../../components/ui/gift-tag'

async function loadGifts() {
  const [sent, received] = await Promise.all([giftApi.listSent(), giftApi.listReceived()])
  return { sent: sent.gifts, received: received.gifts }
}

/** 我送出的 / 我收到的: each gift with its face and 待领取 / 已领取 / 已退回. */
export default function GiftsPage() {
  const query = usePageQuery()
  const [tab, setTab] = useState<'sent' | 'received'>(query.tab === 'received' ? 'received' : 'sent')
  const [data, reload] = useCloudData(loadGifts)
  usePullDownRefresh(reload)
  usePageShow(() => void reload())
  const open = (g: Gift) => void openPage(g.mine ? `/pages/gift/index?giftId=${g.giftId}` : `/pages/claim/index?giftId=${g.giftId}`)
  return (
    <PageShell title={t.gifts.title}>
      <View className='segmented' id='gift-tabs'>
        <View className={`segment ${tab === 'sent' ? 'segment-on' : ''}`} onClick={() => setTab('sent')}>
          {t.gifts.sent}
        </View>
        <View className={`segment ${tab === 'received' ? 'segment-on' : ''}`} onClick={() => setTab('received')}>
          {t.gifts.received}
        </View>
      </View>
      <AsyncState
        value={data}
        onRetry={reload}
        isEmpty={(d) => d[tab].length === 0}
        empty={tab === 'sent' ? t.gifts.emptySent : t.gifts.emptyReceived}
      >
        {(d) =>
          d[tab].map((g) => (
            <View className='gift-row' key={g.giftId} id={`gift-${g.giftId}`} onClick={() => open(g)}>
              <CardFace face={g.face} title={g.title} amount={yuan(g.amount)} small />
              <View className='gift-row-text'>
                <View className='row'>
                  <Text>{tab === 'sent' ? `${t.gifts.to} · ${beijingDateTime(g.createdAt)}` : t.gifts.from(g.from)}</Text>
                  <Tag type={GIFT_TAG[g.status]} className='gift-status'>
                    {t.giftStatus[g.status]}
                  </Tag>
                </View>
                {g.count > 1 && <View className='muted small gift-group-line'>{t.gifts.groupLine(g.claims.length, g.count)}</View>}
                <View className='muted'>「{g.message}」</View>
              </View>
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  )
}

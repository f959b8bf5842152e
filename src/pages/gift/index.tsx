import { AsyncState } from '../../components/AsyncState'
import { GiftState } from '../../components/GiftState'
import { PageShell } from '../../components/PageShell'
import { useCloudData } from '../../hooks/useCloudData'
import { giftApi } from '../../services/api'
import { notFoundFromLink } from '../../services/errors'
import { openTab, usePageQuery, usePageShow, useShare } from '../../services/page'
import { t } from '../../strings'

/** The giver's view of one gift: the envelope the friends will see, sharing it into a chat, and its status. */
export default function GiftPage() {
  const { giftId = '' } = usePageQuery()
  const [data, reload] = useCloudData(() => giftApi.get(giftId).catch(notFoundFromLink('GIFT_NOT_FOUND')))
  usePageShow(() => void reload())
  useShare(() => (data.state === 'ready' ? data.data.share : undefined))
  return (
    <PageShell title={t.gift.title}>
      <AsyncState value={data} onRetry={reload} leave={{ label: t.common.seeMyCards, onLeave: () => void openTab('/pages/index/index') }}>
        {({ gift, share }) => <GiftState gift={gift} share={share} />}
      </AsyncState>
    </PageShell>
  )
}

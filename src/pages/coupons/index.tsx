import { View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { useToast } from '../../components/Notice'
import { PageShell } from '../../components/PageShell'
import { Button } from '../../components/ui'
import { claimCoupon } from '../../flows/claim-coupon'
import { newRequestId } from '../../flows/purchase'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { userMessage } from '../../services/errors'
import { usePageShow, usePullDownRefresh } from '../../services/page'
import type { Claimable } from '../../services/types'
import { t } from '../../strings'
import { couponLines, dateOf } from '../../utils/coupon'

/** 领券中心: the merchant's free coupons (merchant.claimableSet), each claimed into the card bag. */
export default function CouponsPage() {
  const [list, reload] = useCloudData(() => cardApi.claimables())
  usePullDownRefresh(reload)
  usePageShow(() => void reload())
  const [toast, showToast] = useToast()
  const [busy, setBusy] = useState<string | undefined>()
  // One requestId per coupon until a claim succeeds: a double tap or a retry is the same claim.
  const requestIds = useRef<Record<string, string>>({})

  const claim = async (c: Claimable) => {
    if (busy) return
    setBusy(c.cardId)
    const requestId = (requestIds.current[c.cardId] ??= newRequestId())
    try {
      await claimCoupon(c.cardId, requestId)
      delete requestIds.current[c.cardId]
      showToast(t.coupon.claimed, 'success')
      // The count the server keeps (claim slots) says when the limit is reached.
      void reload()
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <PageShell title={t.coupon.claimTitle}>
      {toast}
      <AsyncState value={list} onRetry={reload} isEmpty={(d) => d.items.length === 0} empty={t.coupon.claimEmpty}>
        {(d) => (
          <View id='claimables'>
            {d.items.map((c) => {
              const lines = couponLines(c.type, c.terms)
              const validity = c.fixedTerm ? t.coupon.validDays(c.fixedTerm) : c.endTime ? t.coupon.validUntil(dateOf(c.endTime)) : ''
              return (
                <View className='card-tile coupon-tile' key={c.cardId} data-card={c.cardId}>
                  <CardFace title={c.title} amount={lines.main}>
                    <View className='card-face-from coupon-terms'>
                      {[t.coupon.types[c.type], lines.condition, validity].filter(Boolean).join(' · ')}
                    </View>
                  </CardFace>
                  <View className='row-actions'>
                    <View className='muted small'>
                      {c.claimed ? t.coupon.claimedOf(c.claimed, c.getLimit) : t.coupon.limit(c.getLimit)}
                    </View>
                    {/* At the limit there is nothing to claim: get_limit would refuse it. */}
                    {c.claimed !== undefined && c.claimed >= c.getLimit ? (
                      <Button size='small' disabled>
                        {t.coupon.allClaimed}
                      </Button>
                    ) : (
                      <Button size='small' type='primary' loading={busy === c.cardId} disabled={!!busy} onClick={() => void claim(c)}>
                        {t.coupon.claim}
                      </Button>
                    )}
                  </View>
                </View>
              )
            })}
          </View>
        )}
      </AsyncState>
    </PageShell>
  )
}

import { View } from '@tarojs/components'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { openPage, usePageShow } from '../../../services/page'
import { t } from '../../../strings'
import { couponLines, dateOf } from '../../../utils/coupon'
import type { CardType } from '../../../services/types'
import { consoleApi, type CouponRow } from '../../api'
import { Gate } from '../../components/Gate'
import { ReviewRefusal, ReviewTag } from '../../components/Review'
import { DeliveryQr } from '../../components/QrView'

/**
 * One coupon: what it offers, where WeChat's review stands (refused: WeChat's reason, and 编辑 resubmits it),
 * whether it is in the 领券中心 (put it in or take it out), its QR code.
 */
function CouponItem({
  c,
  onChanged,
  toast,
}: {
  c: CouponRow
  onChanged: () => Promise<void>
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const lines = couponLines(c.type as CardType, c.terms)
  const toggle = async () => {
    try {
      const r = await consoleApi.claimableSet(c.cardId, !c.claimable)
      toast(r.claimable ? t.console.coupon.claimableOn : t.console.coupon.claimableRemoved, 'success')
      await onChanged()
    } catch (err) {
      toast(userMessage(err), 'fail')
    }
  }
  return (
    <View className='card-tile plain merchant-card' data-card={c.cardId}>
      <View className='section-title'>{c.title}</View>
      <View className='muted'>
        {lines.main}
        {lines.condition ? ` · ${lines.condition}` : ''}
        {c.endTime ? ` · ${t.console.validUntil(dateOf(c.endTime))}` : ''}
      </View>
      <View className='row'>
        <ReviewTag status={c.reviewStatus} />
        <Tag type='primary'>{t.coupon.types[c.type] ?? t.console.coupon.list}</Tag>
        {c.friend ? (
          <Tag type='warning'>{t.coupon.friend}</Tag>
        ) : (
          <Tag type={c.claimable ? 'success' : 'default'}>
            {c.claimable ? t.console.coupon.inClaimCenter : t.console.coupon.notInClaimCenter}
          </Tag>
        )}
      </View>
      <ReviewRefusal status={c.reviewStatus} reason={c.reviewReason} />
      <View className='row-actions'>
        {!c.friend && (
          <Button size='small' fill='outline' onClick={() => void toggle()}>
            {c.claimable ? t.console.coupon.claimableOff : t.console.coupon.claimable}
          </Button>
        )}
        {c.friend && (
          <Button size='small' fill='outline' onClick={() => void openPage(`/merchant/pages/coins/index?cardId=${c.cardId}`)}>
            {t.console.coupon.buyStock}
          </Button>
        )}
        <Button
          size='small'
          fill='outline'
          type={c.reviewStatus === 'REJECTED' ? 'primary' : 'default'}
          onClick={() => void openPage(`/merchant/pages/coupon-edit/index?cardId=${c.cardId}&type=${c.type}`)}
        >
          {t.console.edit}
        </Button>
      </View>
      <DeliveryQr cardId={c.cardId} label={t.console.coupon.qrcode} toast={toast} />
    </View>
  )
}

function CouponsView() {
  const [data, reload] = useCloudData(consoleApi.coupons)
  const [toast, showToast] = useToast()
  usePageShow(() => void reload())
  return (
    <View>
      {toast}
      <Button className='btn-block' type='primary' onClick={() => void openPage('/merchant/pages/coupon-edit/index')}>
        {t.console.coupon.newCoupon}
      </Button>
      <AsyncState value={data} onRetry={reload} isEmpty={(d) => d.coupons.length === 0} empty={t.console.coupon.noCoupons}>
        {(d) => (
          <Section title={t.console.coupon.list}>
            {d.coupons.map((c) => (
              <CouponItem key={c.cardId} c={c} onChanged={reload} toast={showToast} />
            ))}
          </Section>
        )}
      </AsyncState>
    </View>
  )
}

export default function CouponsPage() {
  return <Gate title={t.console.menu.coupons}>{() => <CouponsView />}</Gate>
}

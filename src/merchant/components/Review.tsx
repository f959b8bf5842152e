import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { Tag } from '../../components/ui'
import { t } from '../../strings'

// WeChat's review of a card the merchant created (gift card, coupon or member card), as every console list
// shows it: the answer's reviewStatus in words, and WeChat's reason while it stands refused.

/** 审核中 · 已通过 · 审核未通过; a status not known reads 审核中, as the functions read a card without one. */
export function ReviewTag({ status }: { status: string }) {
  return (
    <Tag type={status === 'APPROVED' ? 'success' : status === 'REJECTED' ? 'danger' : 'warning'}>
      {t.merchant.review[status] ?? t.merchant.review.PENDING}
    </Tag>
  )
}

/** A refused card: WeChat's reason and, beside it, what the merchant can do about it (children); nothing otherwise. */
export function ReviewRefusal({ status, reason, children }: { status: string; reason?: string; children?: ReactNode }) {
  if (status !== 'REJECTED') return null
  return (
    <View className='row review-refused'>
      <Text className='error'>{t.merchant.reviewRefused(reason ?? '')}</Text>
      {children}
    </View>
  )
}

/** Above an edit form of a refused card: WeChat's reason, and that saving the fix sends the card back to review. */
export function RefusedEditHint({ reason }: { reason?: string }) {
  return (
    <View className='review-refused' id='review-refused'>
      <Text className='error'>{t.merchant.reviewRefused(reason ?? '')}</Text>
      <Text className='muted'>{t.merchant.resubmitHint}</Text>
    </View>
  )
}

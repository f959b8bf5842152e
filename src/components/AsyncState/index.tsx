import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import type { CloudData } from '../../hooks/useCloudData'
import { t } from '../../strings'
import { Button, Empty, IconGift, Skeleton } from '../ui'

// NutUI's default empty-state pictures live on JD's CDN, which a phone may not reach: our own icon instead.
const PICTURE = <IconGift size={56} color='#d9c9bd' />

interface Props<T> {
  value: CloudData<T>
  onRetry: () => void
  /** Whether a loaded value counts as empty. */
  isEmpty?: (data: T) => boolean
  empty?: ReactNode
  /** a line under the empty state, e.g. where to go next */
  emptyAction?: ReactNode
  children: (data: T) => ReactNode
  /**
   * A way on from the error state, under 重新加载: for a page opened from a link (a gift, a card), whose
   * id may be one that will never load, so retrying alone would be a dead end.
   */
  leave?: { label: string; onLeave: () => void }
}

/** The loading (skeleton), error (with retry) and empty states every page shares, around the page's own content. */
export function AsyncState<T>({ value, onRetry, isEmpty, empty, emptyAction, children, leave }: Props<T>) {
  if (value.state === 'loading') {
    return (
      <View className='state-loading' aria-label={t.common.loading}>
        <Skeleton rows={3} animated />
      </View>
    )
  }
  if (value.state === 'error') {
    return (
      <View className='state-error'>
        <Empty status='error' image={PICTURE} title={t.common.loadFailed} description={value.message} />
        <Button className='btn-block' type='primary' onClick={onRetry}>
          {t.common.retry}
        </Button>
        {leave && (
          <Button className='btn-block' id='leave' onClick={leave.onLeave}>
            {leave.label}
          </Button>
        )}
      </View>
    )
  }
  if (isEmpty?.(value.data)) {
    return (
      <View className='state-empty' id='empty'>
        <Empty status='empty' image={PICTURE} description={empty} />
        {emptyAction}
      </View>
    )
  }
  return <>{children(value.data)}</>
}

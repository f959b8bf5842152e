import { Button, Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import type { CloudData } from '../../hooks/useCloudData'

interface Props<T> {
  value: CloudData<T>
  onRetry: () => void
  /** Whether a loaded value counts as empty. */
  isEmpty?: (data: T) => boolean
  empty?: ReactNode
  children: (data: T) => ReactNode
}

/** The loading, error and empty states every page shares, around the page's own content. */
export function AsyncState<T>({ value, onRetry, isEmpty, empty, children }: Props<T>) {
  if (value.state === 'loading') return <View className='muted'>Loading…</View>
  if (value.state === 'error') {
    return (
      <View>
        <Text className='error'>{value.message}</Text>
        <Button className='btn' onClick={onRetry}>
          Retry
        </Button>
      </View>
    )
  }
  if (isEmpty?.(value.data)) return <View className='muted'>{empty}</View>
  return <>{children(value.data)}</>
}

import { Text, View } from '@tarojs/components'
import { yuan } from '../../utils/money'

/**
 * A bar chart drawn with plain views (width in percent): renders the same in weapp and H5 and costs no
 * chart library in the subpackage (see README, "Merchant console", for the libraries measured).
 */
export function Bars({ rows }: { rows: { label: string; value: number; note?: string }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.value))
  return (
    <View className='bars'>
      {rows.map((r) => (
        <View className='bar-row' key={r.label}>
          <Text className='bar-label'>{r.label}</Text>
          <View className='bar-track'>
            <View className='bar-fill' style={{ width: `${Math.max(r.value > 0 ? 2 : 0, (r.value / max) * 100).toFixed(1)}%` }} />
          </View>
          <Text className='bar-value'>{yuan(r.value)}{r.note ? ` · ${r.note}` : ''}</Text>
        </View>
      ))}
    </View>
  )
}

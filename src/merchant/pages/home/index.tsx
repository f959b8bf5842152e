import { View } from '@tarojs/components'
import { AsyncState } from '../../../components/AsyncState'
import { useCloudData } from '../../../hooks/useCloudData'
import { merchantApi } from '../../../services/api'

export default function MerchantHome() {
  const [overview, reload] = useCloudData(() => merchantApi.overview())
  return (
    <View className='page'>
      <View className='header'>Merchant</View>
      <AsyncState value={overview} onRetry={reload}>
        {(o) => (
          <View>
            <View>Gift cards: {o.cards}</View>
            <View>Shelves: {o.shelves}</View>
            <View>Orders: {o.orders}</View>
          </View>
        )}
      </AsyncState>
    </View>
  )
}

import { View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { formatYuan } from '../../utils/money'

export default function Shop() {
  const [shop, reload] = useCloudData(() => cardApi.shop())
  return (
    <View className='page'>
      <View className='header'>Gift card shop</View>
      <AsyncState value={shop} onRetry={reload} isEmpty={(d) => d.items.length === 0} empty='Nothing on sale yet.'>
        {(d) =>
          d.items.map((item) => (
            <View className='card-tile' key={item.cardId}>
              <View className='card-title'>{item.title}</View>
              <View className='balance'>¥{formatYuan(item.price)}</View>
            </View>
          ))
        }
      </AsyncState>
    </View>
  )
}

import { View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'

export default function Checkout() {
  const [mine, reload] = useCloudData(() => cardApi.listMine())
  return (
    <View className='page'>
      <View className='header'>Pay with a gift card</View>
      <AsyncState
        value={mine}
        onRetry={reload}
        isEmpty={(d) => d.cards.filter((c) => c.status === 'NORMAL').length === 0}
        empty='You have no active gift card to pay with.'
      >
        {(d) => d.cards.filter((c) => c.status === 'NORMAL').map((c) => <CardTile key={`${c.cardId}:${c.code}`} card={c} />)}
      </AsyncState>
    </View>
  )
}

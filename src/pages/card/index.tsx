import { View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { usePageQuery } from '../../services/page'
import { formatYuan } from '../../utils/money'

export default function CardDetail() {
  const query = usePageQuery()
  const [detail, reload] = useCloudData(() => cardApi.detail(query.cardId ?? '', query.code ?? ''))
  return (
    <View className='page'>
      <AsyncState value={detail} onRetry={reload}>
        {(d) => (
          <View>
            <CardTile card={d.card} />
            {d.history.map((e) => (
              <View className='muted' key={e.entryId}>
                {e.kind} {formatYuan(e.amount)} → {formatYuan(e.balanceAfter)}
              </View>
            ))}
          </View>
        )}
      </AsyncState>
    </View>
  )
}

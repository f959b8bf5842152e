import { View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { openPage, usePullDownRefresh } from '../../services/page'

async function loadHome() {
  const [me, mine] = await Promise.all([cardApi.whoami(), cardApi.listMine()])
  return { openid: me.openid, cards: mine.cards }
}

export default function Index() {
  const [home, reload] = useCloudData(loadHome)
  usePullDownRefresh(reload)
  return (
    <View className='page'>
      <View className='header'>My gift cards</View>
      <AsyncState
        value={home}
        onRetry={reload}
        isEmpty={(d) => d.cards.length === 0}
        empty={<View id='empty'>No gift cards yet. Buy one in the shop.</View>}
      >
        {(d) =>
          d.cards.map((card) => (
            <CardTile
              key={`${card.cardId}:${card.code}`}
              card={card}
              onOpen={(c) => void openPage(`/pages/card/index?cardId=${encodeURIComponent(c.cardId)}&code=${encodeURIComponent(c.code)}`)}
            />
          ))
        }
      </AsyncState>
      {home.state === 'ready' && (
        <View className='muted' id='whoami'>
          Signed in as {home.data.openid}
        </View>
      )}
    </View>
  )
}

import { Button, View } from '@tarojs/components'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { openPage, usePageShow, usePullDownRefresh } from '../../services/page'

async function loadHome() {
  const [me, mine] = await Promise.all([cardApi.whoami(), cardApi.listMine()])
  return { openid: me.openid, merchant: me.merchant, cards: mine.cards }
}

const cardUrl = (cardId: string, code: string) => `/pages/card/index?cardId=${encodeURIComponent(cardId)}&code=${encodeURIComponent(code)}`

export default function Index() {
  const [home, reload] = useCloudData(loadHome)
  usePullDownRefresh(reload)
  usePageShow(() => void reload())
  return (
    <View className='page'>
      <View className='header'>My gift cards</View>
      <AsyncState value={home} onRetry={reload} isEmpty={(d) => d.cards.length === 0} empty={<View id='empty'>No gift cards yet. Buy one in the shop.</View>}>
        {(d) => d.cards.map((card) => <CardTile key={`${card.cardId}:${card.code}`} card={card} onOpen={(c) => void openPage(cardUrl(c.cardId, c.code))} />)}
      </AsyncState>
      {home.state === 'ready' && (
        <View>
          <View className='muted' id='whoami'>
            Signed in as {home.data.openid}
          </View>
          {home.data.merchant && (
            <Button className='btn' onClick={() => void openPage('/merchant/pages/home/index')}>
              Merchant
            </Button>
          )}
        </View>
      )}
    </View>
  )
}

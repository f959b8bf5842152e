import { Button, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardTile } from '../../components/CardTile'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { openPage, usePageShow, usePullDownRefresh } from '../../services/page'
import { addPaidCards } from '../../flows/purchase'
import { formatYuan } from '../../utils/money'

async function loadHome() {
  const [me, mine] = await Promise.all([cardApi.whoami(), cardApi.listMine()])
  return { openid: me.openid, merchant: me.merchant, cards: mine.cards, pending: mine.pending ?? [] }
}

const cardUrl = (cardId: string, code: string) => `/pages/card/index?cardId=${encodeURIComponent(cardId)}&code=${encodeURIComponent(code)}`

export default function Index() {
  const [home, reload] = useCloudData(loadHome)
  usePullDownRefresh(reload)
  usePageShow(() => void reload())
  const [adding, setAdding] = useState<{ orderId: string; error?: string } | undefined>()
  const inFlight = useRef(false)
  // Paid cards not in the card bag yet (a cancelled add sheet, a closed page): put them in now.
  const addPending = async (orderId: string) => {
    if (inFlight.current) return
    inFlight.current = true
    setAdding({ orderId })
    try {
      await addPaidCards(orderId)
      setAdding(undefined)
      await reload()
    } catch (err) {
      setAdding({ orderId, error: (err as Error).message })
    } finally {
      inFlight.current = false
    }
  }
  return (
    <View className='page'>
      <View className='header'>My gift cards</View>
      {home.state === 'ready' &&
        home.data.pending.map((p) => (
          <View className='card-tile pending' key={p.orderId} id={`pending-${p.orderId}`}>
            <View className='card-title'>{p.title}</View>
            <View className='muted'>已付款 ¥{formatYuan(p.price)} · {p.count} 张待放入卡包</View>
            <Button className='btn primary' disabled={adding?.orderId === p.orderId && !adding.error} onClick={() => void addPending(p.orderId)}>
              放入卡包
            </Button>
            {adding?.orderId === p.orderId && adding.error && <View className='error'>{adding.error}</View>}
          </View>
        ))}
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

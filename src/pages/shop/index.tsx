import { Button, Image, Text, Textarea, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { useCloudData } from '../../hooks/useCloudData'
import { buyGiftCard, newRequestId, type PurchaseStep } from '../../flows/purchase'
import { cardApi } from '../../services/api'
import { openTab } from '../../services/page'
import type { Card, ShopItem } from '../../services/types'
import { formatYuan } from '../../utils/money'

const STEP_LABEL: Record<PurchaseStep, string> = {
  ordering: 'Creating your order…',
  paying: 'Waiting for WeChat Pay…',
  issuing: 'Confirming the payment…',
  adding: 'Adding to your card bag…',
  recording: 'Almost done…',
}

type Buying = { state: 'idle' } | { state: 'busy'; step: PurchaseStep } | { state: 'done'; cards: Card[] } | { state: 'error'; message: string }

export default function Shop() {
  const [shop, reload] = useCloudData(() => cardApi.shop())
  const [chosen, setChosen] = useState<ShopItem | undefined>()
  const [face, setFace] = useState<string | undefined>()
  const [message, setMessage] = useState('')
  const [buying, setBuying] = useState<Buying>({ state: 'idle' })
  // One purchase, one requestId: kept across a retry after an error (the server answers the same order),
  // renewed when the choice changes or a purchase completes. The ref blocks a second tap at once; the
  // disabled state only shows it.
  const requestId = useRef(newRequestId())
  const inFlight = useRef(false)

  const choose = (item: ShopItem) => {
    if (inFlight.current) return
    if (item.cardId !== chosen?.cardId) requestId.current = newRequestId()
    setChosen(item)
    setFace(item.faces[0])
    setMessage(item.defaultMessage)
    setBuying({ state: 'idle' })
  }

  const buy = async () => {
    if (!chosen || inFlight.current) return
    inFlight.current = true
    try {
      const cards = await buyGiftCard({ requestId: requestId.current, cardId: chosen.cardId, backgroundPicUrl: face, message: message || undefined }, (step) => setBuying({ state: 'busy', step }))
      requestId.current = newRequestId()
      setBuying({ state: 'done', cards })
    } catch (err) {
      setBuying({ state: 'error', message: (err as Error).message })
    } finally {
      inFlight.current = false
    }
  }

  return (
    <View className='page'>
      <View className='header'>Gift card shop</View>
      <AsyncState value={shop} onRetry={reload} isEmpty={(d) => d.items.length === 0} empty='Nothing on sale yet.'>
        {(d) =>
          d.items.map((item) => (
            <View className={`card-tile ${chosen?.cardId === item.cardId ? 'selected-tile' : ''}`} key={item.cardId} onClick={() => choose(item)}>
              <View className='card-title'>{item.title}</View>
              <View className='balance'>¥{formatYuan(item.price)}</View>
            </View>
          ))
        }
      </AsyncState>
      {chosen && (
        <View className='card-tile'>
          <View className='card-title'>Choose a card face</View>
          <View className='faces'>
            {chosen.faces.map((url, i) => (
              <Image key={url} className={`face ${face === url ? 'selected' : ''}`} src={url} mode='aspectFill' onClick={() => setFace(url)} data-face={i} />
            ))}
          </View>
          <View className='card-title'>Your message</View>
          <Textarea value={message} maxlength={100} placeholder='Write a blessing' onInput={(e) => setMessage(e.detail.value)} />
          <Button className='btn primary' disabled={buying.state === 'busy'} onClick={() => void buy()}>
            Buy for ¥{formatYuan(chosen.price)}
          </Button>
          {buying.state === 'busy' && <View className='note'>{STEP_LABEL[buying.step]}</View>}
          {buying.state === 'error' && <Text className='error'>{buying.message}</Text>}
          {buying.state === 'done' && (
            <View>
              <View className='note ok'>
                Added to your card bag: {buying.cards.map((c) => `${c.title} ¥${formatYuan(c.balance)}`).join(', ')}
              </View>
              <Button className='btn' onClick={() => void openTab('/pages/index/index')}>
                See my cards
              </Button>
            </View>
          )}
        </View>
      )}
    </View>
  )
}

import { Image, Input, Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { useToast } from '../../components/Notice'
import { PageShell, Section } from '../../components/PageShell'
import { Button, InputNumber, TextArea } from '../../components/ui'
import { buyAsGift, buyGiftCard, newRequestId, type PurchaseStep } from '../../flows/purchase'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { userMessage } from '../../services/errors'
import { openPage, openTab } from '../../services/page'
import type { Card, ShopItem } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'

/** The shelf's themes in shelf order; cards without one are under an unnamed theme. */
const themesOf = (items: ShopItem[]) => [...new Set(items.map((i) => i.theme ?? ''))].filter(Boolean)
const inTheme = (items: ShopItem[], theme: string | undefined) => {
  const names = themesOf(items)
  const current = theme ?? names[0]
  return names.length > 1 && current ? items.filter((i) => i.theme === current) : items
}

type Buying =
  { state: 'idle' } | { state: 'busy'; step: PurchaseStep } | { state: 'done'; cards: Card[] } | { state: 'error'; message: string }

const MAX_MESSAGE = 100
/** What a card holds once issued (an older server answers no `value`: the price). */
const valueOf = (item: ShopItem) => item.value ?? item.price

/** Cards in one purchase, as contract/actions/pay.ts MAX_QUANTITY (not imported: that module carries the schemas). */
const MAX_QUANTITY = 10

export default function Shop() {
  const [shop, reload] = useCloudData(() => cardApi.shop())
  const [forFriend, setForFriend] = useState(true)
  const [theme, setTheme] = useState<string | undefined>()
  const [chosen, setChosen] = useState<ShopItem | undefined>()
  const [face, setFace] = useState<string | undefined>()
  const [quantity, setQuantity] = useState(1)
  // The blessing is the person's own words: kept while they browse other cards and faces.
  const [message, setMessage] = useState<string | undefined>()
  const [from, setFrom] = useState('')
  const [buying, setBuying] = useState<Buying>({ state: 'idle' })
  const [toast, showToast] = useToast()
  // One purchase, one requestId: kept across a retry after an error (the server answers the same order),
  // renewed when the choice changes or a purchase completes. The ref blocks a second tap at once; the
  // disabled state only shows it.
  const requestId = useRef(newRequestId())
  const inFlight = useRef(false)

  const choose = (item: ShopItem) => {
    if (inFlight.current) return
    if (item.cardId !== chosen?.cardId) requestId.current = newRequestId()
    setChosen(item)
    setFace(item.faces.includes(face ?? '') ? face : (item.faces[0] ?? item.backgroundPicUrl))
    setBuying({ state: 'idle' })
  }
  const items = shop.state === 'ready' ? shop.data.items : undefined
  useEffect(() => {
    if (items?.length && !chosen) choose(items[0]!)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items])

  const blessing = message ?? chosen?.defaultMessage ?? ''
  // For friends, more than one card is a group gift: one each for the first friends in a group chat.
  const count = quantity
  // NutUI's InputNumber reports what is typed, before its own clamping on blur: '' or '.' mid-edit, 199
  // past the max. Only a whole number is taken, clamped to the field's range, so the field (controlled),
  // the amounts and the order always agree; anything else keeps the last good count.
  const changeQuantity = (typed: unknown) => {
    const whole = Number(typed)
    if (typed === '' || !Number.isInteger(whole)) return
    const n = Math.min(MAX_QUANTITY, Math.max(1, whole))
    if (inFlight.current || n === quantity) return
    requestId.current = newRequestId()
    setQuantity(n)
    setBuying({ state: 'idle' })
  }
  const setMode = (friend: boolean) => {
    if (inFlight.current || friend === forFriend) return
    requestId.current = newRequestId()
    setForFriend(friend)
    setBuying({ state: 'idle' })
  }

  const buy = async () => {
    if (!chosen || inFlight.current) return
    inFlight.current = true
    // A blessing travels with a gift; a card bought for oneself carries none.
    const input = {
      requestId: requestId.current,
      cardId: chosen.cardId,
      backgroundPicUrl: face,
      message: forFriend ? blessing || undefined : undefined,
    }
    const onStep = (step: PurchaseStep) => setBuying({ state: 'busy', step })
    try {
      if (forFriend) {
        const { gift } = await buyAsGift({ ...input, quantity: count, from: from.trim() || undefined }, onStep)
        requestId.current = newRequestId()
        setBuying({ state: 'idle' })
        await openPage(`/pages/gift/index?giftId=${gift.giftId}`)
      } else {
        const cards = await buyGiftCard({ ...input, quantity: count }, onStep)
        requestId.current = newRequestId()
        setBuying({ state: 'done', cards })
        showToast(t.home.added, 'success')
      }
    } catch (err) {
      const text = userMessage(err)
      setBuying({ state: 'error', message: text })
      showToast(text, 'fail')
    } finally {
      inFlight.current = false
    }
  }

  return (
    <PageShell title={t.shop.title}>
      {toast}
      <AsyncState value={shop} onRetry={reload} isEmpty={(d) => d.items.length === 0} empty={t.shop.empty}>
        {(d) => (
          <View>
            <View className='segmented' id='mode'>
              <View className={`segment ${forFriend ? 'segment-on' : ''}`} onClick={() => setMode(true)}>
                {t.shop.forFriend}
              </View>
              <View className={`segment ${forFriend ? '' : 'segment-on'}`} onClick={() => setMode(false)}>
                {t.shop.forMe}
              </View>
            </View>
            {/* The face shows what the card will hold; a card sold below it says both. */}
            {chosen && <CardFace face={face} title={chosen.title} amount={yuan(valueOf(chosen))} />}
            {chosen && valueOf(chosen) !== chosen.price && (
              <View className='muted center' id='price-note'>
                {t.shop.soldFor(yuan(chosen.price), yuan(valueOf(chosen)))}
              </View>
            )}
            {themesOf(d.items).length > 1 && (
              <Section title={t.shop.chooseTheme}>
                <View className='chips' id='themes'>
                  {themesOf(d.items).map((name) => (
                    <View
                      className={`chip chip-theme ${(theme ?? themesOf(d.items)[0]) === name ? 'chip-on' : ''}`}
                      key={name}
                      onClick={() => {
                        setTheme(name)
                        // The card chosen belongs to the theme left: the new theme's first card instead.
                        const first = inTheme(d.items, name)[0]
                        if (first && chosen?.theme !== name) choose(first)
                      }}
                    >
                      <Text className='chip-title'>{name}</Text>
                    </View>
                  ))}
                </View>
              </Section>
            )}
            <Section title={t.shop.chooseAmount}>
              <View className='chips'>
                {inTheme(d.items, theme).map((item) => (
                  <View
                    className={`chip ${chosen?.cardId === item.cardId ? 'chip-on' : ''}`}
                    key={item.cardId}
                    onClick={() => choose(item)}
                    data-card={item.cardId}
                  >
                    <Text className='chip-title'>{item.title}</Text>
                    <Text className='chip-price'>{yuan(item.price)}</Text>
                  </View>
                ))}
              </View>
            </Section>
            {chosen && chosen.faces.length > 0 && (
              <Section title={t.shop.chooseFace}>
                <View className='faces'>
                  {chosen.faces.map((url, i) => (
                    <Image
                      key={url}
                      className={`face ${face === url ? 'selected' : ''}`}
                      src={url}
                      mode='aspectFill'
                      onClick={() => setFace(url)}
                      data-face={i}
                    />
                  ))}
                </View>
              </Section>
            )}
            <Section
              title={forFriend ? t.shop.giftCount : t.shop.quantity}
              id='quantity'
              extra={<InputNumber value={quantity} min={1} max={MAX_QUANTITY} onChange={changeQuantity} />}
            >
              {forFriend ? (
                <View className='muted small' id='group-hint'>
                  {t.shop.giftCountHint(quantity)}
                </View>
              ) : (
                <View />
              )}
            </Section>
            {/* Only once a card is chosen (an effect after the shelf arrives): the field is added holding the
                card's blessing. Added empty and filled in a moment later, Taro's H5 textarea (4.2.1) is given
                a value before it has drawn its <textarea>, and its value watcher logs a TypeError. */}
            {forFriend && chosen && (
              <Section title={t.shop.blessing}>
                <TextArea
                  className='blessing'
                  value={blessing}
                  maxLength={MAX_MESSAGE}
                  showCount
                  placeholder={t.shop.blessingPlaceholder}
                  onChange={(v) => setMessage(v)}
                />
              </Section>
            )}
            {forFriend && (
              <Section title={t.shop.signature}>
                <Input
                  className='input'
                  value={from}
                  maxlength={12}
                  placeholder={t.shop.signaturePlaceholder}
                  onInput={(e) => setFrom(e.detail.value)}
                />
              </Section>
            )}
            {chosen && (
              <View className='buy-bar'>
                <View className='buy-total'>
                  <Text className='muted'>{t.shop.total}</Text>
                  <Text className='buy-amount'>{yuan(chosen.price * count)}</Text>
                </View>
                <Button
                  className='buy-button'
                  type='primary'
                  loading={buying.state === 'busy'}
                  disabled={buying.state === 'busy'}
                  onClick={() => void buy()}
                >
                  {forFriend
                    ? count > 1
                      ? t.shop.buyForGroup(count, yuan(chosen.price * count))
                      : t.shop.buyForFriend(yuan(chosen.price))
                    : t.shop.buyForMe(yuan(chosen.price * count))}
                </Button>
              </View>
            )}
            {buying.state === 'busy' && <View className='note'>{t.shop.steps[buying.step]}</View>}
            {buying.state === 'error' && (
              <View className='error' id='buy-error'>
                {buying.message}
              </View>
            )}
            {buying.state === 'done' && (
              <View className='done' id='bought'>
                <View className='note ok'>{t.shop.addedToBag(buying.cards.map((c) => `${c.title} ${yuan(c.balance)}`).join('、'))}</View>
                <Button className='btn-block' onClick={() => void openTab('/pages/index/index')}>
                  {t.common.seeMyCards}
                </Button>
              </View>
            )}
          </View>
        )}
      </AsyncState>
    </PageShell>
  )
}

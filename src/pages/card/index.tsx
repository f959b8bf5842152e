import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { CodeView, groupCode } from '../../components/CodeView'
import { useToast } from '../../components/Notice'
import { PageShell, Section } from '../../components/PageShell'
import { Button, IconPhone, IconRefresh, Tag } from '../../components/ui'
import { useCloudData } from '../../hooks/useCloudData'
import { cardApi } from '../../services/api'
import { notFoundFromLink, userMessage } from '../../services/errors'
import { openTab, usePageQuery, usePageShow, usePullDownRefresh } from '../../services/page'
import type { Card, CardInfo, Entry } from '../../services/types'
import { openCard } from '../../services/wx'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { shownStatus } from '../../utils/card-status'
import { beijingDate, beijingDateTime, beijingTime } from '../../utils/time'

const PAGE = 20

interface Detail {
  card: Card
  history: Entry[]
  total: number
  info: CardInfo
  /** it can go to a friend with WeChat's 转赠 in the card bag (card.detail canGive) */
  canGive: boolean
  /** when the card and its code were last fetched (ms) */
  at: number
}

/**
 * Opened from My cards (cardId, code) or by WeChat from the card's custom cell with the jump protocol
 * (card_id, encrypt_code, openid, outer_str): encrypt_code arrives URL-encoded and is decoded exactly
 * once here (base64 has no %, so a second decode would change nothing, but a missing one would).
 */
async function loadCard(q: Record<string, string | undefined>): Promise<Detail> {
  let cardId = q.cardId ?? ''
  let code = q.code ?? ''
  if (q.encrypt_code && q.card_id) {
    const { card } = await cardApi.decryptCode(q.card_id, decodeURIComponent(q.encrypt_code))
    cardId = card.cardId
    code = card.code
  }
  // The ids come from the link (My cards, WeChat's card cell): one cut short or naming no card is a card not found.
  const d = await cardApi.detail(cardId, code).catch(notFoundFromLink('CARD_NOT_FOUND'))
  return {
    card: d.card,
    history: d.history,
    total: d.total ?? d.history.length,
    info: d.info ?? {},
    canGive: d.canGive === true,
    at: Date.now(),
  }
}

const describe = (e: Entry) => (e.description && t.card.descriptions[e.description]) ?? e.description ?? ''
/** A history line's title: a card claimed from a gift reads 来自 <name> 的礼物 (issue 28), not 购卡充值. */
const entryTitle = (e: Entry) => (e.giftFrom ? t.home.fromFriend(e.giftFrom) : e.held ? t.card.heldEntry : (t.card.kinds[e.kind] ?? e.kind))

/**
 * The order number an entry names, when it is one the person knows: a counter redemption's entry carries
 * the redemption's key (R:…, the cashier's idempotency key, server/domain/money/redemption.ts), not an order.
 */
const orderNoOf = (e: { orderId?: string }) => (e.orderId && !e.orderId.startsWith('R:') ? e.orderId : undefined)

export default function CardDetail() {
  const query = usePageQuery()
  const [detail, reload] = useCloudData(() => loadCard(query))
  // The code is shown to a cashier: fetched again each time the page is shown, so it is never stale.
  usePageShow(() => void reload())
  usePullDownRefresh(reload)
  const [toast, showToast] = useToast()
  const [more, setMore] = useState<Entry[]>([])
  const [loadingMore, setLoadingMore] = useState(false)
  const [giving, setGiving] = useState(false)

  // A card in the card bag is given with WeChat's own 转赠 there: open it, and say where to tap.
  const give = (c: Card) =>
    openCard([{ cardId: c.cardId, code: c.code }]).then(
      () => setGiving(true),
      (e: unknown) => showToast(userMessage(e), 'fail'),
    )

  const loadMore = async (d: Detail) => {
    setLoadingMore(true)
    try {
      const page = await cardApi.history(d.card.cardId, d.card.code, d.history.length + more.length, PAGE)
      setMore([...more, ...page.entries])
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      setLoadingMore(false)
    }
  }

  return (
    <PageShell title={t.card.title}>
      {toast}
      <AsyncState
        value={detail}
        onRetry={() => void reload().then(() => setMore([]))}
        leave={{ label: t.common.seeMyCards, onLeave: () => void openTab('/pages/index/index') }}
      >
        {(d) => {
          // A ¥0.00 card reads 已用完 and shows no code to the cashier (utils/card-status.ts).
          const status = shownStatus(d.card)
          const usable = status === 'NORMAL'
          const history = [...d.history, ...more]
          return (
            <View>
              <CardFace
                face={d.card.backgroundPicUrl}
                title={d.card.title}
                badge={<Tag type={usable ? 'success' : 'default'}>{t.status[status] ?? t.status.UNAVAILABLE}</Tag>}
              >
                {d.card.giftFrom && <View className='card-face-from'>{t.home.fromFriend(d.card.giftFrom)}</View>}
              </CardFace>
              <View className='balance-box'>
                <Text className='muted'>{t.card.balance}</Text>
                <Text className='balance' id='balance'>
                  {yuan(d.card.balance)}
                </Text>
                {!!d.card.held && (
                  <Text className='muted small' id='held'>
                    {t.card.held(yuan(d.card.held))}
                  </Text>
                )}
              </View>
              <View className='kv'>
                <View className='row'>
                  <Text className='muted'>{t.card.validity}</Text>
                  <Text>
                    {beijingDate(d.card.beginTime)} 至 {beijingDate(d.card.endTime)}
                  </Text>
                </View>
                <View className='row'>
                  <Text className='muted'>{t.card.cardNumber}</Text>
                  <Text id='card-number'>{groupCode(d.card.code)}</Text>
                </View>
              </View>
              {d.card.message && (
                <View className='blessing-text' id='card-message'>
                  {d.card.giftFrom ? `${t.card.blessingFrom(d.card.giftFrom)}：` : ''}「{d.card.message}」
                </View>
              )}
              {usable ? (
                <Section
                  title={t.card.showToCashier}
                  id='cashier'
                  extra={
                    <View className='refresh' onClick={() => void reload()}>
                      <IconRefresh size={12} /> <Text id='refreshed-at'>{t.card.refreshed(beijingTime(d.at))}</Text>
                    </View>
                  }
                >
                  <CodeView code={d.card.code} />
                  <View className='muted center'>{t.card.codeHint}</View>
                  <Button
                    className='btn-block'
                    type='primary'
                    onClick={() =>
                      openCard([{ cardId: d.card.cardId, code: d.card.code }]).catch((e: unknown) => showToast(userMessage(e), 'fail'))
                    }
                  >
                    {t.card.openInBag}
                  </Button>
                  {d.canGive && (
                    <Button className='btn-block' fill='outline' type='primary' id='give' onClick={() => void give(d.card)}>
                      {t.card.giveToFriend}
                    </Button>
                  )}
                  {giving && (
                    <View className='note center' id='give-hint'>
                      {t.card.giveHint}
                    </View>
                  )}
                </Section>
              ) : (
                <View className='note center' id='not-spendable'>
                  {t.card.notSpendable[status] ?? t.status.UNAVAILABLE}
                </View>
              )}
              {(d.info.notice || d.info.description || d.info.servicePhone) && (
                <Section title={t.card.notes} id='notes'>
                  {d.info.notice && <View className='note'>{d.info.notice}</View>}
                  {d.info.description && <View className='muted'>{d.info.description}</View>}
                  {d.info.servicePhone && (
                    <View className='row'>
                      <Text className='muted'>
                        <IconPhone size={12} /> {t.card.servicePhone}
                      </Text>
                      <Text>{d.info.servicePhone}</Text>
                    </View>
                  )}
                </Section>
              )}
              <Section title={t.card.history} id='history'>
                {history.length === 0 && <View className='muted'>{t.card.noHistory}</View>}
                {history.map((e) => (
                  <View className='entry' key={e.entryId}>
                    <View className='row'>
                      <Text>{entryTitle(e)}</Text>
                      <Text className={e.amount > 0 ? 'ok' : ''}>
                        {e.amount > 0 ? '+' : ''}
                        {yuan(e.amount)}
                      </Text>
                    </View>
                    <View className='row muted'>
                      <Text>{beijingDateTime(e.createdAt)}</Text>
                      <Text>余额 {yuan(e.balanceAfter)}</Text>
                    </View>
                    {describe(e) && <View className='muted'>{describe(e)}</View>}
                    {orderNoOf(e) && <View className='muted small'>{t.card.orderNo(orderNoOf(e)!)}</View>}
                  </View>
                ))}
                {history.length < d.total ? (
                  <Button className='btn-block' size='small' fill='outline' loading={loadingMore} onClick={() => void loadMore(d)}>
                    {t.common.more}
                  </Button>
                ) : (
                  history.length > 0 && <View className='muted center small'>{t.common.noMore}</View>
                )}
              </Section>
            </View>
          )
        }}
      </AsyncState>
    </PageShell>
  )
}

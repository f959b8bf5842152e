import { Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { CardFace } from '../../components/CardFace'
import { CardTile } from '../../components/CardTile'
import { useToast } from '../../components/Notice'
import { PageShell, Section } from '../../components/PageShell'
import { Button, IconGift, IconRight } from '../../components/ui'
import { addPaidCards } from '../../flows/purchase'
import { useCloudData } from '../../hooks/useCloudData'
import { useMore } from '../../hooks/useMore'
import { cardApi, giftApi } from '../../services/api'
import { userMessage } from '../../services/errors'
import { openPage, openTab, usePageShow, usePullDownRefresh } from '../../services/page'
import type { Card, PendingOrder } from '../../services/types'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import { bagSummary, isUsable } from '../../utils/card-status'

async function loadHome() {
  const [me, mine] = await Promise.all([cardApi.whoami(), cardApi.listMine()])
  return {
    openid: me.openid,
    merchant: me.merchant,
    role: me.role ?? null,
    cards: mine.cards,
    pending: mine.pending ?? [],
    nextCursor: mine.nextCursor,
  }
}

const cardUrl = (c: Card) => `/pages/card/index?cardId=${encodeURIComponent(c.cardId)}&code=${encodeURIComponent(c.code)}`

/** Usable cards first (most money first); used-up (¥0.00 included), expired and given cards fold under 已用完/已失效. */
export function splitCards(cards: Card[]): { usable: Card[]; invalid: Card[] } {
  const usable = cards.filter(isUsable).sort((a, b) => b.balance - a.balance)
  return { usable, invalid: cards.filter((c) => !isUsable(c)) }
}

/**
 * Ways to 我送出的, 我收到的, 领券 and 会员卡. Also under the empty state: someone whose only card went to a
 * friend still follows that gift from here, and someone with no card yet can join the member card.
 */
function QuickLinks({ coupons = true }: { coupons?: boolean }) {
  return (
    <View className='quick-links'>
      <View className='quick-link' id='link-sent' onClick={() => void openPage('/pages/gifts/index?tab=sent')}>
        <IconGift size={16} /> <Text>{t.home.giftsSent}</Text>
      </View>
      <View className='quick-link' id='link-received' onClick={() => void openPage('/pages/gifts/index?tab=received')}>
        <IconGift size={16} /> <Text>{t.home.giftsReceived}</Text>
      </View>
      {coupons && (
        <View className='quick-link' id='link-coupons' onClick={() => void openPage('/pages/coupons/index')}>
          <IconGift size={16} /> <Text>{t.coupon.claimLink}</Text>
        </View>
      )}
      <View className='quick-link' id='link-member' onClick={() => void openPage('/member/pages/index/index')}>
        <IconGift size={16} /> <Text>{t.member.entry}</Text>
      </View>
    </View>
  )
}

export default function Index() {
  const [home, load] = useCloudData(loadHome)
  // A bag of more cards than a page (a company buying for its staff): the rest by nextCursor, 加载更多.
  const more = useMore((cursor) => cardApi.listMine(cursor).then((r) => ({ rows: r.cards, nextCursor: r.nextCursor })))
  const reload = () => load().then(more.reset)
  usePullDownRefresh(reload)
  usePageShow(() => void reload())
  const [toast, showToast] = useToast()
  const [showInvalid, setShowInvalid] = useState(false)
  const [showUserId, setShowUserId] = useState(false)
  const [busy, setBusy] = useState<string | undefined>()
  const inFlight = useRef(false)

  // Paid cards in nobody's card bag (a cancelled add sheet, a gift that came back): add or give them.
  const act = async (p: PendingOrder, what: 'add' | 'give') => {
    if (inFlight.current) return
    inFlight.current = true
    setBusy(p.orderId)
    try {
      if (what === 'add') {
        await addPaidCards(p.orderId)
        showToast(t.home.added, 'success')
        await reload()
      } else {
        const { giftId } = await giftApi.send({ orderId: p.orderId })
        await openPage(`/pages/gift/index?giftId=${giftId}`)
      }
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      inFlight.current = false
      setBusy(undefined)
    }
  }

  return (
    <PageShell title={t.home.title}>
      {toast}
      <AsyncState
        value={home}
        onRetry={reload}
        isEmpty={(d) => d.cards.length === 0 && d.pending.length === 0}
        empty={t.home.empty}
        emptyAction={
          <View>
            <Button className='btn-block' type='primary' onClick={() => void openTab('/pages/shop/index')}>
              {t.common.goShop}
            </Button>
            <Button className='btn-block' fill='outline' id='link-coupons-empty' onClick={() => void openPage('/pages/coupons/index')}>
              {t.coupon.claimLink}
            </Button>
            <QuickLinks coupons={false} />
          </View>
        }
      >
        {(d) => {
          const { usable, invalid } = splitCards([...d.cards, ...more.rows])
          const summary = bagSummary(usable)
          return (
            <View>
              <View className='summary' id='summary'>
                <Text className='summary-label'>{t.home.totalBalance}</Text>
                <Text className='summary-amount' id='total-balance'>
                  {yuan(summary.balance)}
                </Text>
                <Text className='summary-sub' id='usable-count'>
                  {t.home.usableCount(summary.cards)}
                  {summary.coupons > 0 && t.home.couponCount(summary.coupons)}
                </Text>
              </View>
              <QuickLinks />
              {d.pending.length > 0 && (
                <Section title={t.home.pendingTitle} id='pending'>
                  {d.pending.map((p) => (
                    <View className='card-tile pending' key={p.orderId} id={`pending-${p.orderId}`}>
                      <CardFace face={p.backgroundPicUrl} title={p.title} amount={yuan(p.price)} small />
                      <View className='muted'>{t.home.pendingLine(yuan(p.price), p.count)}</View>
                      <View className='row-actions'>
                        <Button
                          size='small'
                          fill='outline'
                          type='primary'
                          disabled={busy === p.orderId}
                          onClick={() => void act(p, 'give')}
                        >
                          {t.home.giveAway}
                        </Button>
                        <Button
                          size='small'
                          type='primary'
                          loading={busy === p.orderId}
                          disabled={busy === p.orderId}
                          onClick={() => void act(p, 'add')}
                        >
                          {t.home.addToBag}
                        </Button>
                      </View>
                    </View>
                  ))}
                </Section>
              )}
              <View id='usable-cards'>
                {usable.map((card) => (
                  <CardTile key={`${card.cardId}:${card.code}`} card={card} onOpen={(c) => void openPage(cardUrl(c))} />
                ))}
              </View>
              {invalid.length > 0 && (
                <View className='fold' id='invalid-cards'>
                  <View className='fold-head' onClick={() => setShowInvalid(!showInvalid)}>
                    <Text>{showInvalid ? t.home.hideInvalid : t.home.invalid(invalid.length)}</Text>
                    <IconRight size={12} />
                  </View>
                  {showInvalid &&
                    invalid.map((card) => (
                      <CardTile key={`${card.cardId}:${card.code}`} card={card} onOpen={(c) => void openPage(cardUrl(c))} />
                    ))}
                </View>
              )}
              {more.failed && <View className='muted center small'>{more.failed}</View>}
              {more.cursor(d.nextCursor) && (
                <Button
                  className='btn-block'
                  size='small'
                  fill='outline'
                  id='cards-more'
                  loading={more.loading}
                  onClick={() => void more.more(d.nextCursor)}
                >
                  {t.common.more}
                </Button>
              )}
            </View>
          )
        }}
      </AsyncState>
      {home.state === 'ready' && (home.data.role === 'staff' || home.data.role === 'admin') && (
        <Button className='btn-block' fill='outline' id='link-redeem' onClick={() => void openPage('/merchant/pages/redeem/index')}>
          {t.redeem.link}
        </Button>
      )}
      {home.state === 'ready' && home.data.merchant && (
        <Button className='btn-block' fill='outline' onClick={() => void openPage('/merchant/pages/home/index')}>
          {t.home.merchant}
        </Button>
      )}
      {/* The merchant's owner (MERCHANT_ADMIN_OPENIDS) and staff are named by this id (docs/deploy.md
          "第一位管理员"); shown only when asked for, selectable so that a long press copies it. */}
      {home.state === 'ready' && (
        <View className='fold' id='user-id'>
          <View className='fold-head' id='link-user-id' onClick={() => setShowUserId(!showUserId)}>
            <Text>{t.home.userId}</Text>
          </View>
          {showUserId && (
            <View className='note'>
              <Text selectable userSelect id='user-id-value'>
                {home.data.openid}
              </Text>
              <View>{t.home.userIdHint}</View>
            </View>
          )}
        </View>
      )}
    </PageShell>
  )
}

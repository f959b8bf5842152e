// 会员卡: the caller's member card — level, points, stored value, benefits, history — or, without one,
// the member cards the merchant offers with a free join (member.join → wx.addCard → card.recordAdded).
import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { CardFace } from '../../../components/CardFace'
import { CodeView } from '../../../components/CodeView'
import { useToast } from '../../../components/Notice'
import { PageShell, Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { joinMemberCard } from '../../../flows/member'
import { useCloudData } from '../../../hooks/useCloudData'
import { memberApi, type MemberCardView, type OfferedMemberCard, type PointsEntryView } from '../../../services/api'
import { addCardFailure, userMessage } from '../../../services/errors'
import { openPage, usePageShow, usePullDownRefresh } from '../../../services/page'
import type { Entry } from '../../../services/types'
import { openCard } from '../../../services/wx'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { beijingDateTime } from '../../../utils/time'

interface Loaded {
  members: MemberCardView[]
  offered: OfferedMemberCard[]
  history?: { points: PointsEntryView[]; balance: Entry[] }
}

async function load(): Promise<Loaded> {
  const [{ members }, { cards }] = await Promise.all([memberApi.mine(), memberApi.offered()])
  const first = members[0]
  const history = first ? await memberApi.history(first.cardId, first.code) : undefined
  return { members, offered: cards, ...(history ? { history } : {}) }
}

const activateUrl = (m: { cardId: string; code: string }) => `/member/pages/activate/index?cardId=${m.cardId}&code=${m.code}`

function MemberCard({ m, history, onError }: { m: MemberCardView; history?: Loaded['history']; onError: (e: unknown) => void }) {
  const lines = [
    ...(history?.points ?? []).map((e) => ({
      at: e.createdAt,
      key: e.entryId,
      text: t.member.pointsKinds[e.kind] ?? t.member.points,
      amount: t.member.pointsLine(e.amount),
    })),
    ...(history?.balance ?? []).map((e) => ({
      at: e.createdAt,
      key: e.entryId,
      text: t.member.balanceKinds[e.kind] ?? t.member.balance,
      amount: `${e.amount > 0 ? '+' : '-'}${yuan(Math.abs(e.amount))}`,
    })),
  ].sort((a, b) => b.at - a.at)
  return (
    <View id='member-card'>
      <CardFace face={m.backgroundPicUrl} title={m.title} badge={m.level ? <Tag type='warning'>{m.level}</Tag> : undefined}>
        <View className='card-face-from' id='membership-number'>
          {m.activated ? `${t.member.membershipNumber} ${m.membershipNumber}` : t.member.notActivated}
        </View>
      </CardFace>
      {!m.activated && (
        <Button className='btn-block' type='primary' id='activate' onClick={() => void openPage(activateUrl(m))}>
          {t.member.activateNow}
        </Button>
      )}
      {/* The member code for the counter (issue 28): the card's code, which the staff's 核销 scans
          (merchant.redeemCheck / redeem take it); the counter refuses a card not yet activated, so
          the code is shown once it is. */}
      {m.activated && m.status === 'NORMAL' && (
        <Section title={t.member.showCode} id='member-code'>
          <CodeView code={m.code} />
          <View className='muted center'>{t.member.codeHint}</View>
        </Section>
      )}
      <View className='kv'>
        {m.supplyBonus && (
          <View className='row'>
            <Text className='muted'>{t.member.points}</Text>
            <Text id='member-points'>{m.bonus}</Text>
          </View>
        )}
        {m.supplyBalance && (
          <View className='row'>
            <Text className='muted'>{t.member.balance}</Text>
            <Text id='member-balance'>{yuan(m.balance)}</Text>
          </View>
        )}
        {m.level && (
          <View className='row'>
            <Text className='muted'>{t.member.level}</Text>
            <Text id='member-level'>{m.level}</Text>
          </View>
        )}
      </View>
      {m.prerogative && (
        <Section title={t.member.benefits} id='benefits'>
          <View className='muted'>{m.prerogative}</View>
        </Section>
      )}
      {m.activated && m.supplyBalance && (
        <Button
          className='btn-block'
          type='primary'
          id='recharge'
          onClick={() => void openPage(`/member/pages/recharge/index?cardId=${m.cardId}&code=${m.code}`)}
        >
          {t.member.recharge}
        </Button>
      )}
      <Button className='btn-block' fill='outline' onClick={() => openCard([{ cardId: m.cardId, code: m.code }]).catch(onError)}>
        {t.member.openInBag}
      </Button>
      <Section title={t.member.history} id='member-history'>
        {lines.length === 0 ? (
          <View className='muted'>{t.member.noHistory}</View>
        ) : (
          lines.map((l) => (
            <View className='row' key={l.key}>
              <Text>{l.text}</Text>
              <Text className='muted'>{beijingDateTime(l.at)}</Text>
              <Text>{l.amount}</Text>
            </View>
          ))
        )}
      </Section>
    </View>
  )
}

export default function MemberHome() {
  const [data, reload] = useCloudData(load)
  usePageShow(() => void reload())
  usePullDownRefresh(reload)
  const [toast, showToast] = useToast()
  const [joining, setJoining] = useState(false)

  const join = async (cardId: string) => {
    setJoining(true)
    try {
      const card = await joinMemberCard(cardId)
      showToast(t.member.joined, 'success')
      await openPage(activateUrl(card))
    } catch (err) {
      // Not 「我的卡」 (it lists gift cards and coupons only): a join that did not finish is joined again here.
      const message = userMessage(err)
      const notAdded = addCardFailure(err)
      showToast(notAdded ? t.member.joinUnfinished[notAdded] : message, 'fail')
    } finally {
      setJoining(false)
      void reload()
    }
  }

  return (
    <PageShell title={t.member.title}>
      {toast}
      <AsyncState
        value={data}
        onRetry={() => void reload()}
        isEmpty={(d) => d.members.length === 0 && d.offered.length === 0}
        empty={t.member.noneOffered}
      >
        {(d) =>
          d.members[0] ? (
            <MemberCard m={d.members[0]} history={d.history} onError={(e) => showToast(userMessage(e), 'fail')} />
          ) : (
            <View id='member-join'>
              {d.offered.map((c) => (
                <View key={c.cardId} className='section'>
                  <CardFace face={c.backgroundPicUrl} title={c.title} />
                  <View className='muted'>{t.member.joinHint}</View>
                  {c.prerogative && <View className='muted'>{c.prerogative}</View>}
                  <Button
                    className='btn-block'
                    type='primary'
                    id='join'
                    loading={joining}
                    disabled={joining}
                    onClick={() => void join(c.cardId)}
                  >
                    {joining ? t.member.joining : t.member.join}
                  </Button>
                </View>
              ))}
            </View>
          )
        }
      </AsyncState>
    </PageShell>
  )
}

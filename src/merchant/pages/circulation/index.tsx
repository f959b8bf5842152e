import { Input, Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import { parseYuan, utf8Bytes } from '../../giftcard-form'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Dialog, Tag, TextArea } from '../../../components/ui'
import { userMessage } from '../../../services/errors'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { consoleApi, newKey, type CirculatingCard } from '../../api'
import { Gate } from '../../components/Gate'
import { Entries } from './entries'
import { useMore } from '../../../hooks/useMore'

function CardView({
  c,
  reload,
  toast,
}: {
  c: CirculatingCard
  reload: () => Promise<void>
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const [freezing, setFreezing] = useState(false)
  const [freezeReason, setFreezeReason] = useState('')
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  // One key per adjustment the merchant means: a retry after a lost reply is the same adjustment.
  const key = useRef(newKey('adj'))
  const fen = parseYuan(amount)
  const reasonLong = utf8Bytes(reason) > 42
  const reasonOk = reason.trim().length > 0 && !reasonLong
  const freeze = async () => {
    setFreezing(false)
    try {
      await consoleApi.freeze(c.cardId, c.code, freezeReason.trim())
      toast(t.console.frozen, 'success')
      await reload()
    } catch (err) {
      toast(userMessage(err), 'fail')
    }
  }
  /** the adjustment waiting for the merchant's yes (its amount in fen): money moves only after the dialog */
  const [confirming, setConfirming] = useState<number>()
  const askAdjust = () => {
    if (fen === undefined || fen === 0 || !reasonOk) return
    // A deduction past the balance shown: say so now, not after a confirmation the server would refuse.
    if (fen < 0 && -fen > c.balance) return toast(t.redeem.overBalance(yuan(c.balance)), 'fail')
    setConfirming(fen)
  }
  const adjust = async () => {
    setConfirming(undefined)
    try {
      const r = await consoleApi.adjust(c.cardId, c.code, fen!, reason.trim(), key.current)
      key.current = newKey('adj')
      setAmount('')
      setReason('')
      toast(t.console.adjusted(yuan(r.balance)), 'success')
      await reload()
    } catch (err) {
      toast(userMessage(err), 'fail')
    }
  }
  // The ledger beyond its newest 50 entries, by the lookup's nextCursor.
  const more = useMore((cursor) =>
    consoleApi.cardHistory(c.cardId, c.code, cursor).then((r) => ({ rows: r.entries, nextCursor: r.nextCursor })),
  )
  // A lookup again (after an adjustment) starts the ledger from its newest entries.
  const { reset } = more
  useEffect(reset, [c, reset])
  const live = c.status !== 'UNAVAILABLE' && c.status !== 'DELETE'
  return (
    <View className='card-tile plain' data-code={c.code}>
      <View className='section-title'>
        {c.title} · {c.code}
      </View>
      <View className='side-by-side'>
        <View className='side' id='ours'>
          <View className='field-label'>{t.console.ours}</View>
          <View>{yuan(c.balance)}</View>
          <Tag type='primary'>{t.status[c.status] ?? c.status}</Tag>
          <View className='muted'>{c.synced ? t.console.synced : t.console.notSynced}</View>
          <View className='muted'>
            {t.console.holder} {c.holder || '—'}
          </View>
        </View>
        <View className='side' id='wechat'>
          <View className='field-label'>{t.console.wechatView}</View>
          {c.wechat.status ? (
            <Tag type='primary'>{t.status[c.wechat.status] ?? c.wechat.status}</Tag>
          ) : (
            <View className='muted'>{t.console.wechatMissing}</View>
          )}
        </View>
      </View>
      <Entries entries={[...c.entries, ...more.rows]} />
      {more.failed && <View className='muted'>{more.failed}</View>}
      {more.cursor(c.nextCursor) && (
        <Button size='small' fill='outline' id='entries-more' loading={more.loading} onClick={() => void more.more(c.nextCursor)}>
          {t.common.more}
        </Button>
      )}
      {live && (
        <View>
          <Input className='input' value={amount} placeholder={t.console.adjustAmount} onInput={(e) => setAmount(e.detail.value)} />
          <Input className='input' value={reason} placeholder={t.console.adjustReason} onInput={(e) => setReason(e.detail.value)} />
          {amount && fen === undefined && <Text className='error'>{t.console.errors.yuan}</Text>}
          {reasonLong && <Text className='error'>{t.console.adjustReasonLong}</Text>}
          <View className='row-actions'>
            <Button size='small' fill='outline' disabled={fen === undefined || fen === 0 || !reasonOk} onClick={askAdjust}>
              {t.console.adjust}
            </Button>
            <Button size='small' type='danger' fill='outline' onClick={() => setFreezing(true)}>
              {t.console.freeze}
            </Button>
          </View>
        </View>
      )}
      <Dialog
        visible={freezing}
        title={t.console.freezeTitle}
        content={
          <View>
            <View className='note'>{t.console.freezeText}</View>
            <TextArea
              className='input textarea'
              value={freezeReason}
              placeholder={t.console.freezeReason}
              maxLength={64}
              onChange={(v: string) => setFreezeReason(v)}
            />
          </View>
        }
        confirmText={t.console.freeze}
        cancelText={t.common.cancel}
        onConfirm={() => (freezeReason.trim() ? void freeze() : toast(t.console.freezeReason, 'fail'))}
        onCancel={() => setFreezing(false)}
      />
      <Dialog
        visible={confirming !== undefined}
        title={t.console.adjustConfirmTitle}
        content={
          confirming === undefined
            ? ''
            : t.console.adjustConfirmText(
                t.common.cardWithTail(c.title, c.code),
                confirming > 0 ? t.console.adjustUp(yuan(confirming)) : t.console.adjustDown(yuan(-confirming)),
                yuan(c.balance + confirming),
                reason.trim(),
              )
        }
        confirmText={t.console.adjustConfirm}
        cancelText={t.common.cancel}
        onConfirm={() => void adjust()}
        onCancel={() => setConfirming(undefined)}
      />
    </View>
  )
}

/** A code as the merchant types it from the card bag, which shows it in groups (1234 5678 9012). */
const codeOf = (typed: string) => typed.replace(/\s+/g, '')

function CirculationView() {
  const [code, setCode] = useState('')
  const [cards, setCards] = useState<CirculatingCard[]>()
  const [toast, showToast] = useToast()
  const look = async () => {
    try {
      setCards((await consoleApi.lookup(codeOf(code))).cards)
    } catch (err) {
      setCards(undefined)
      showToast(userMessage(err), 'fail')
    }
  }
  return (
    <View>
      {toast}
      <View className='row'>
        <Input
          className='input grow'
          id='code-input'
          value={code}
          placeholder={t.console.codePlaceholder}
          onInput={(e) => setCode(e.detail.value)}
        />
        <Button size='small' type='primary' disabled={!/^[A-Za-z0-9_-]{1,64}$/.test(codeOf(code))} onClick={() => void look()}>
          {t.console.lookUp}
        </Button>
      </View>
      {cards && (
        <Section>
          {cards.map((c) => (
            <CardView key={`${c.cardId}:${c.code}`} c={c} reload={look} toast={showToast} />
          ))}
        </Section>
      )}
    </View>
  )
}

export default function CirculationPage() {
  return <Gate title={t.console.menu.circulation}>{() => <CirculationView />}</Gate>
}

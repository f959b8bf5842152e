import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { RequiredMark } from '../../../components/RequiredMark'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { openPage, usePageShow } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { dateOf } from '../../../utils/coupon'
import { consoleApi } from '../../api'
import { Field } from '../../components/Field'
import { Gate } from '../../components/Gate'
import { useSubmitOnce } from '../../components/useSubmitOnce'
import { checkPayGiftForm, payGiftRule, type PayGiftError, type PayGiftField, type PayGiftForm } from '../../pay-gift-form'

const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86400_000).toISOString().slice(0, 10)

function say(e: PayGiftError | undefined): string | undefined {
  if (!e) return undefined
  return e.kind === 'rule' ? t.console.payGift.rules[e.field] : t.console.errors[e.kind]
}

/** The rules in effect (WeChat's list carries no rule ids: a rule is deleted right after it is added). */
function Rules({ cards }: { cards: { cardId: string; title: string }[] }) {
  const [rules, reload] = useCloudData(consoleApi.payGiftRules)
  const p = t.console.payGift
  return (
    <AsyncState value={rules} onRetry={reload} isEmpty={(d) => d.rules.length === 0} empty={p.none}>
      {(d) => (
        <Section title={p.list}>
          {d.rules.map((r, i) => (
            <View key={i} className='card-tile plain' id={`rule-${i}`}>
              <View className='section-title'>{cards.find((c) => c.cardId === r.member_rule.card_id)?.title ?? p.fields.cardId}</View>
              <View className='muted'>
                {p.range(yuan(r.member_rule.least_cost), yuan(r.member_rule.max_cost))} · {dateOf(r.base_info.begin_time)} ~{' '}
                {dateOf(r.base_info.end_time)}
              </View>
            </View>
          ))}
        </Section>
      )}
    </AsyncState>
  )
}

function PayGiftView({ cards }: { cards: { cardId: string; title: string }[] }) {
  const [f, setF] = useState<PayGiftForm>({
    cardId: cards[0]?.cardId ?? '',
    mchids: '',
    leastCost: '0.01',
    maxCost: '10000',
    beginDate: day(0),
    endDate: day(90),
  })
  const [touched, setTouched] = useState<Set<PayGiftField>>(new Set())
  const [added, setAdded] = useState<number>()
  const [toast, showToast] = useToast()
  // The form stays for another rule: a changed form may be sent again, the same one only once.
  const [busy, send, rearm] = useSubmitOnce(showToast)
  const errors = useMemo(() => checkPayGiftForm(f), [f])
  const p = t.console.payGift
  const set = (k: PayGiftField) => (v: string) => {
    setF((cur) => ({ ...cur, [k]: v }))
    setTouched((cur) => new Set(cur).add(k))
    rearm()
  }
  const err = (k: PayGiftField) => (touched.has(k) ? say(errors[k]) : undefined)
  const submit = async () => {
    setTouched(new Set(Object.keys(f) as PayGiftField[]))
    await send(
      Object.keys(errors).length > 0,
      () => consoleApi.payGiftRuleAdd(payGiftRule(f)),
      (r) => {
        // WeChat answers rule_id 0 when every mchid was refused: there is no rule to delete.
        if (r.ruleId) setAdded(r.ruleId)
        const fails = r.failMchidList
        if (fails.length === 0) return showToast(p.added(r.ruleId), 'success')
        const why = p.failed(
          fails.map((m) => m.mchid).join('、'),
          fails.some((m) => m.errcode === 72004),
          fails.some((m) => m.errcode === 72001),
        )
        showToast(`${r.ruleId ? p.added(r.ruleId) : p.noneAdded}。${why}`, 'fail')
      },
    )
  }
  const remove = async (ruleId: number) => {
    try {
      await consoleApi.payGiftRuleDelete(ruleId)
      setAdded(undefined)
      showToast(p.removed, 'success')
    } catch (e) {
      showToast(userMessage(e), 'fail')
    }
  }
  return (
    <View id='pay-gift'>
      {toast}
      <View className='note'>{p.hint}</View>
      <Section>
        <View className={`field${err('cardId') ? ' field-error' : ''}`} id='field-cardId'>
          <Text className='field-label'>
            {p.fields.cardId}
            <RequiredMark />
          </Text>
          <View className='type-picker'>
            {cards.map((c) => (
              <Button
                key={c.cardId}
                size='small'
                type={f.cardId === c.cardId ? 'primary' : 'default'}
                onClick={() => set('cardId')(c.cardId)}
              >
                {c.title}
              </Button>
            ))}
          </View>
        </View>
        {(['mchids', 'leastCost', 'maxCost', 'beginDate', 'endDate'] as const).map((k) => (
          <Field
            key={k}
            id={k}
            label={p.fields[k]!}
            value={f[k]}
            onInput={set(k)}
            error={err(k)}
            required
            type={k === 'leastCost' || k === 'maxCost' ? 'digit' : k.endsWith('Date') ? 'date' : 'text'}
          />
        ))}
      </Section>
      <Button className='btn-block' type='primary' disabled={busy} onClick={() => void submit()}>
        {p.add}
      </Button>
      {added !== undefined && (
        <Button className='btn-block' fill='outline' onClick={() => void remove(added)}>
          {p.remove}
        </Button>
      )}
      <Rules key={added ?? 0} cards={cards} />
    </View>
  )
}

function PayGiftPage() {
  const [cards, reload] = useCloudData(consoleApi.memberCards)
  // Back from 新建会员卡: the new card is offered at once.
  usePageShow(() => void reload())
  return (
    <AsyncState
      value={cards}
      onRetry={reload}
      isEmpty={(d) => d.cards.length === 0}
      empty={t.console.payGift.noMemberCards}
      emptyAction={
        <Button className='btn-block' type='primary' onClick={() => void openPage('/merchant/pages/member-card-edit/index')}>
          {t.console.payGift.newMemberCard}
        </Button>
      }
    >
      {(d) => <PayGiftView cards={d.cards} />}
    </AsyncState>
  )
}

export default function PayGiftRulesPage() {
  return <Gate title={t.console.payGift.title}>{() => <PayGiftPage />}</Gate>
}

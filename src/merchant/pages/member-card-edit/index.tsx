import { Input, Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { goBack } from '../../../services/page'
import { t } from '../../../strings'
import { consoleApi } from '../../api'
import { Field } from '../../components/Field'
import { Gate } from '../../components/Gate'
import { ReviewRefusal, ReviewTag } from '../../components/Review'
import { Upload } from '../../components/Upload'
import { useSubmitOnce } from '../../components/useSubmitOnce'
import {
  checkMemberCardForm,
  emptyMemberCardForm,
  MEMBER_REQUIRED,
  memberCardInput,
  memberFormHasErrors,
  type MemberCardForm,
  type MemberField,
  type MemberFormError,
} from '../../member-card-form'

function say(e: MemberFormError | undefined): string | undefined {
  if (!e) return undefined
  if (e.kind === 'tooLong') return t.console.errors.tooLong(e.max)
  if (e.kind === 'levelName' || e.kind === 'levelBonus' || e.kind === 'bonusRule') return t.console.memberCard.errors[e.kind]
  if (e.kind === 'number') return t.console.coupon.number
  return t.console.errors[e.kind]
}

function Toggle({ id, label, on, onChange }: { id: string; label: string; on: boolean; onChange: (v: boolean) => void }) {
  return (
    <View className='row' id={id}>
      <Text className='grow'>{label}</Text>
      <Button size='small' type={on ? 'primary' : 'default'} onClick={() => onChange(!on)}>
        {on ? t.console.memberCard.on : t.console.memberCard.off}
      </Button>
    </View>
  )
}

function MemberCardFormView() {
  const [f, setF] = useState<MemberCardForm>(emptyMemberCardForm)
  const [touched, setTouched] = useState<Set<string>>(new Set())
  const [toast, showToast] = useToast()
  const [busy, send] = useSubmitOnce(showToast)
  const check = useMemo(() => checkMemberCardForm(f), [f])
  const touch = (k: string) => setTouched((cur) => new Set(cur).add(k))
  const set = (k: MemberField) => (v: string) => {
    setF((cur) => ({ ...cur, [k]: v }))
    touch(k)
  }
  const setLevel = (i: number, k: 'name' | 'minBonus') => (v: string) => {
    setF((cur) => ({ ...cur, levels: cur.levels.map((l, j) => (j === i ? { ...l, [k]: v } : l)) }))
    touch(`level${i}`)
  }
  const err = (k: MemberField) => (touched.has(k) || touched.has('*') ? say(check.fields[k]) : undefined)
  const submit = async () => {
    setTouched(new Set(['*']))
    await send(
      memberFormHasErrors(check),
      () => consoleApi.memberCardCreate(memberCardInput(f)),
      () => {
        showToast(t.console.memberCard.created, 'success')
        setTimeout(() => void goBack(), 800)
      },
    )
  }
  const fl = t.console.memberCard.fields
  const req = (k: MemberField) => MEMBER_REQUIRED.includes(k)
  const text = (k: MemberField) => <Field key={k} id={k} label={fl[k]!} value={f[k]} onInput={set(k)} error={err(k)} required={req(k)} />
  return (
    <View id='member-card-form'>
      {toast}
      <Section>
        {text('title')}
        {text('brandName')}
        <Upload id='logoUrl' label={fl.logoUrl!} url={f.logoUrl} onUrl={set('logoUrl')} error={err('logoUrl')} required />
        {text('prerogative')}
        {text('notice')}
        <Field
          id='description'
          label={fl.description!}
          value={f.description}
          onInput={set('description')}
          error={err('description')}
          required
          multiline
        />
      </Section>
      <Section>
        <Toggle
          id='supply-bonus'
          label={t.console.memberCard.supplyBonus}
          on={f.supplyBonus}
          onChange={(v) => setF((cur) => ({ ...cur, supplyBonus: v }))}
        />
        {f.supplyBonus &&
          (['costMoney', 'increaseBonus', 'initBonus'] as const).map((k) => (
            <Field key={k} id={k} label={fl[k]!} value={f[k]} onInput={set(k)} error={err(k)} type='digit' required />
          ))}
        <Toggle
          id='supply-balance'
          label={t.console.memberCard.supplyBalance}
          on={f.supplyBalance}
          onChange={(v) => setF((cur) => ({ ...cur, supplyBalance: v }))}
        />
      </Section>
      <Section title={t.console.memberCard.levels}>
        {f.levels.map((l, i) => {
          const e = touched.has(`level${i}`) || touched.has('*') ? check.levels[i] : undefined
          return (
            <View key={i} className='field' id={`level-${i}`}>
              <View className='row'>
                <Input
                  className='input input-small'
                  value={l.name}
                  placeholder={t.console.memberCard.levelName}
                  onInput={(ev) => setLevel(i, 'name')(ev.detail.value)}
                />
                <Input
                  className='input input-small'
                  type='digit'
                  value={l.minBonus}
                  placeholder={t.console.memberCard.levelBonus}
                  onInput={(ev) => setLevel(i, 'minBonus')(ev.detail.value)}
                />
                {f.levels.length > 1 && (
                  <Button
                    size='small'
                    fill='outline'
                    onClick={() => setF((cur) => ({ ...cur, levels: cur.levels.filter((_, j) => j !== i) }))}
                  >
                    {t.console.memberCard.removeLevel}
                  </Button>
                )}
              </View>
              {e?.name && <Text className='error field-msg'>{say(e.name)}</Text>}
              {e?.minBonus && <Text className='error field-msg'>{say(e.minBonus)}</Text>}
            </View>
          )
        })}
        {f.levels.length < 10 && (
          <Button
            size='small'
            fill='outline'
            onClick={() => setF((cur) => ({ ...cur, levels: [...cur.levels, { name: '', minBonus: '' }] }))}
          >
            {t.console.memberCard.addLevel}
          </Button>
        )}
      </Section>
      <Button className='btn-block' type='primary' disabled={busy} onClick={() => void submit()}>
        {busy ? t.console.saving : t.console.save}
      </Button>
    </View>
  )
}

/** The merchant's member cards (memberCardList), each with where WeChat's review stands; none, nothing. */
function MemberCardList() {
  const [data, reload] = useCloudData(consoleApi.memberCards)
  return (
    <AsyncState value={data} onRetry={reload}>
      {(d) =>
        d.cards.length > 0 && (
          <Section title={t.console.memberCard.list}>
            {d.cards.map((c) => (
              <View key={c.cardId} className='card-tile plain merchant-card' data-card={c.cardId}>
                <View className='row'>
                  <View className='section-title grow'>{c.title}</View>
                  <ReviewTag status={c.reviewStatus} />
                </View>
                <ReviewRefusal status={c.reviewStatus} reason={c.reviewReason} />
              </View>
            ))}
          </Section>
        )
      }
    </AsyncState>
  )
}

export default function MemberCardEditPage() {
  return (
    <Gate title={t.console.memberCard.title}>
      {() => (
        <View>
          <MemberCardList />
          <MemberCardFormView />
        </View>
      )}
    </Gate>
  )
}

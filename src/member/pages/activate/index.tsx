// 激活会员卡: our own activation page (the card's activate_app_brand_pass). Asks for what the card asks
// (phone always; name and birthday when the merchant wants them), checks each field as the server does,
// then member.activate. WeChat may open it with card_id and encrypt_code (decoded exactly once here).
import { Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { DateInput } from '../../../components/DateInput'
import { RequiredMark } from '../../../components/RequiredMark'
import { useToast } from '../../../components/Notice'
import { PageShell, Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { checkActivationForm, type ActivationForm, type FormProblem } from '../../../flows/member'
import { useCloudData } from '../../../hooks/useCloudData'
import { cardApi, memberApi } from '../../../services/api'
import { userMessage } from '../../../services/errors'
import { redirectTo, usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { beijingDate } from '../../../utils/time'

async function loadCard(q: Record<string, string | undefined>) {
  let cardId = q.cardId ?? ''
  let code = q.code ?? ''
  if (q.encrypt_code && q.card_id) {
    const { card } = await cardApi.decryptCode(q.card_id, decodeURIComponent(q.encrypt_code))
    cardId = card.cardId
    code = card.code
  }
  const { members } = await memberApi.mine()
  const m = members.find((x) => x.cardId === cardId && x.code === code)
  if (!m) throw new Error('not a member card of yours')
  return m
}

function Field({
  id,
  label,
  value,
  placeholder,
  optional,
  problem,
  type,
  onInput,
}: {
  id: string
  label: string
  value: string
  placeholder: string
  optional: boolean
  problem?: string
  /** 'date': chosen from the date picker, never typed (a birthday: from 1900 to today) */
  type?: 'number' | 'text' | 'date'
  onInput: (v: string) => void
}) {
  return (
    <View className='form-field' id={`field-${id}`}>
      <Text className='form-label'>
        {label}
        {optional ? t.member.optional : <RequiredMark />}
      </Text>
      {type === 'date' ? (
        <DateInput
          id={id}
          className='form-input'
          value={value}
          placeholder={placeholder}
          start='1900-01-01'
          end={beijingDate(Math.floor(Date.now() / 1000))}
          opensAt='1990-01-01'
          onChange={onInput}
        />
      ) : (
        <Input
          id={id}
          className='form-input'
          type={type ?? 'text'}
          value={value}
          placeholder={placeholder}
          maxlength={id === 'phone' ? 11 : 20}
          onInput={(e) => onInput(e.detail.value)}
        />
      )}
      {problem && (
        <Text className='form-problem' id={`problem-${id}`}>
          {problem}
        </Text>
      )}
    </View>
  )
}

export default function ActivatePage() {
  const query = usePageQuery()
  const [card, reload] = useCloudData(() => loadCard(query))
  const [toast, showToast] = useToast()
  const [form, setForm] = useState<ActivationForm>({ phone: '', name: '', birthday: '' })
  const [problems, setProblems] = useState<FormProblem[]>([])
  const [busy, setBusy] = useState(false)

  const submit = async (cardId: string, code: string, asks: string[]) => {
    const found = checkActivationForm(form, asks)
    setProblems(found)
    if (found.length) return
    setBusy(true)
    try {
      const r = await memberApi.activate({
        cardId,
        code,
        phone: form.phone.trim(),
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
        ...(form.birthday.trim() ? { birthday: form.birthday.trim() } : {}),
      })
      showToast(t.member.activated(r.membershipNumber), 'success')
      await redirectTo('/member/pages/index/index')
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      setBusy(false)
    }
  }

  const problem = (f: FormProblem) => (problems.includes(f) ? t.member.problems[f] : undefined)
  return (
    <PageShell title={t.member.activateTitle}>
      {toast}
      <AsyncState value={card} onRetry={() => void reload()}>
        {(m) => (
          <Section title={m.title} id='activate-form'>
            <View className='muted'>{t.member.activateHint}</View>
            <Field
              id='phone'
              label={t.member.phone}
              type='number'
              value={form.phone}
              placeholder={t.member.phonePlaceholder}
              optional={false}
              problem={problem('phone')}
              onInput={(phone) => setForm({ ...form, phone })}
            />
            <Field
              id='name'
              label={t.member.name}
              value={form.name}
              placeholder={t.member.namePlaceholder}
              optional={!m.activationFields.includes('name')}
              problem={problem('name')}
              onInput={(name) => setForm({ ...form, name })}
            />
            <Field
              id='birthday'
              type='date'
              label={t.member.birthday}
              value={form.birthday}
              placeholder={t.member.birthdayPlaceholder}
              optional={!m.activationFields.includes('birthday')}
              problem={problem('birthday')}
              onInput={(birthday) => setForm({ ...form, birthday })}
            />
            <Button
              className='btn-block'
              type='primary'
              id='submit'
              loading={busy}
              disabled={busy}
              onClick={() => void submit(m.cardId, m.code, m.activationFields)}
            >
              {busy ? t.member.activating : t.member.submit}
            </Button>
          </Section>
        )}
      </AsyncState>
    </PageShell>
  )
}

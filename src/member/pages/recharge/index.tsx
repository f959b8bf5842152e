// 会员卡充值: pick an amount, pay with WeChat Pay (Cloud Pay), and see the stored value credited. One
// requestId per attempt: a double tap or a retry of the same attempt is the same order and payment.
import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { PageShell, Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { recharge, type RechargeStep } from '../../../flows/member'
import { newRequestId } from '../../../flows/purchase'
import { useCloudData } from '../../../hooks/useCloudData'
import { memberApi } from '../../../services/api'
import { userMessage } from '../../../services/errors'
import { usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'

/** Amounts offered, fen. */
export const AMOUNTS = [5000, 10000, 20000, 50000]

export default function RechargePage() {
  const query = usePageQuery()
  const load = async () => {
    const { members } = await memberApi.mine()
    const m = members.find((x) => x.cardId === query.cardId && x.code === query.code)
    if (!m) throw new Error('not a member card of yours')
    return m
  }
  const [card, reload] = useCloudData(load)
  const [toast, showToast] = useToast()
  const [amount, setAmount] = useState(AMOUNTS[2]!)
  const [step, setStep] = useState<RechargeStep | 'done' | undefined>()
  // One attempt, one requestId: kept across a double tap, renewed after the attempt ends.
  const [requestId, setRequestId] = useState(newRequestId)

  const pay = async (c: { cardId: string; code: string }) => {
    try {
      const outcome = await recharge(c, amount, setStep, requestId)
      showToast(outcome === 'credited' ? t.member.recharged(yuan(amount)) : t.member.rechargePending, 'success')
      setStep('done')
      setRequestId(newRequestId())
      await reload()
    } catch (err) {
      setStep(undefined)
      setRequestId(newRequestId())
      showToast(userMessage(err), 'fail')
    }
  }

  const busy = step !== undefined && step !== 'done'
  return (
    <PageShell title={t.member.rechargeTitle}>
      {toast}
      <AsyncState value={card} onRetry={() => void reload()}>
        {(m) => (
          <View id='recharge-page'>
            <View className='balance-box'>
              <Text className='muted'>{t.member.currentBalance}</Text>
              <Text className='balance' id='recharge-balance'>
                {yuan(m.balance)}
              </Text>
            </View>
            {!m.activated ? (
              <View className='muted center'>{t.member.needActivation}</View>
            ) : (
              <Section title={t.member.chooseAmount} id='amounts'>
                <View className='amount-grid'>
                  {AMOUNTS.map((a) => (
                    <View
                      key={a}
                      id={`amount-${a}`}
                      className={`amount-option ${a === amount ? 'amount-on' : ''}`}
                      onClick={() => !busy && setAmount(a)}
                    >
                      {yuan(a)}
                    </View>
                  ))}
                </View>
                <View className='muted'>{t.member.rechargeHint}</View>
                <Button className='btn-block' type='primary' id='pay' loading={busy} disabled={busy} onClick={() => void pay(m)}>
                  {busy && step ? t.member.steps[step] : t.member.payNow(yuan(amount))}
                </Button>
              </Section>
            )}
          </View>
        )}
      </AsyncState>
    </PageShell>
  )
}

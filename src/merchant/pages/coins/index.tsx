import { Text, View } from '@tarojs/components'
import { useRef, useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { consoleApi, type CoinAccount, type CouponRow } from '../../api'
import { Field } from '../../components/Field'
import { Gate } from '../../components/Gate'
import { QrView } from '../../components/QrView'
import { RetiredNotice } from '../../components/RetiredNotice'

/** The merchant function's limits on a quote (coinsPrice: quantity 1–100000) and a recharge (coinCount ≥ 1). */
const wholeIn = (s: string, max: number) => (/^\d{1,9}$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= max ? Number(s) : undefined)

function Balance({
  account,
  onActivated,
  toast,
}: {
  account: CoinAccount
  onActivated: (a: CoinAccount) => void
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const c = t.console.coins
  const activate = async () => {
    try {
      const r = await consoleApi.coinsActivate()
      onActivated(r)
      toast(c.activated(r.reward), 'success')
    } catch (e) {
      toast(userMessage(e), 'fail')
    }
  }
  return (
    <Section title={c.balance}>
      <View className='stats' id='coin-balance'>
        <View className='stat'>
          <Text className='stat-label'>{c.free}</Text>
          <Text className='stat-value'>{account.freeCoin}</Text>
        </View>
        <View className='stat'>
          <Text className='stat-label'>{c.paid}</Text>
          <Text className='stat-value'>{account.payCoin}</Text>
        </View>
        <View className='stat'>
          <Text className='stat-label'>{c.total}</Text>
          <Text className='stat-value'>{account.totalCoin}</Text>
        </View>
      </View>
      <Button size='small' fill='outline' onClick={() => void activate()}>
        {c.activate}
      </Button>
    </Section>
  )
}

/** Price quote, then confirm once (a double tap is one purchase: the server keeps the quote's state). */
function BuyStock({
  friends,
  initial,
  onBought,
  toast,
}: {
  friends: CouponRow[]
  initial?: string
  onBought: () => void
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const c = t.console.coins
  const [cardId, setCardId] = useState(initial && friends.some((f) => f.cardId === initial) ? initial : friends[0]?.cardId)
  const [quantity, setQuantity] = useState('100')
  const [quote, setQuote] = useState<{ orderId: string; price: string; quantity: number; cardId: string }>()
  const confirming = useRef(false)
  const q = wholeIn(quantity, 100_000)
  if (friends.length === 0)
    return (
      <Section title={c.quoteTitle}>
        <View className='muted'>{c.noFriendCards}</View>
      </Section>
    )
  const ask = async () => {
    if (!cardId || q === undefined) return
    try {
      const r = await consoleApi.coinsPrice(cardId, q)
      setQuote({ orderId: r.orderId, price: r.price, quantity: q, cardId })
    } catch (e) {
      toast(userMessage(e), 'fail')
    }
  }
  const confirm = async () => {
    if (!quote || confirming.current) return
    confirming.current = true
    try {
      await consoleApi.coinsConfirm(quote.cardId, quote.orderId, quote.quantity)
      toast(c.confirmed(quote.quantity), 'success')
      setQuote(undefined)
      onBought()
    } catch (e) {
      toast(userMessage(e), 'fail')
    } finally {
      confirming.current = false
    }
  }
  return (
    <Section title={c.quoteTitle}>
      <View className='field'>
        <Text className='field-label'>{c.cardId}</Text>
        <View className='type-picker' id='friend-cards'>
          {friends.map((f) => (
            <Button
              key={f.cardId}
              size='small'
              type={f.cardId === cardId ? 'primary' : 'default'}
              onClick={() => {
                setCardId(f.cardId)
                setQuote(undefined)
              }}
            >
              {f.title}
            </Button>
          ))}
        </View>
      </View>
      <Field
        id='quantity'
        label={c.quantity}
        value={quantity}
        onInput={(v) => {
          setQuantity(v)
          setQuote(undefined)
        }}
        error={quantity && q === undefined ? t.console.errors.quantity : undefined}
        type='digit'
        required
      />
      {quote ? (
        <View id='coin-quote'>
          <View className='note'>{c.price(quote.price, quote.quantity)}</View>
          <Text className='muted'>{c.quoteValid}</Text>
          <Button className='btn-block' type='primary' onClick={() => void confirm()}>
            {c.confirm}
          </Button>
        </View>
      ) : (
        <Button className='btn-block' type='primary' disabled={q === undefined} onClick={() => void ask()}>
          {c.quote}
        </Button>
      )}
    </Section>
  )
}

function Recharge({ toast }: { toast: (s: string, i?: 'success' | 'fail') => void }) {
  const c = t.console.coins
  const [count, setCount] = useState('')
  const [qr, setQr] = useState<string>()
  const n = wholeIn(count, 100_000_000)
  const recharge = async () => {
    if (n === undefined) return
    try {
      setQr((await consoleApi.coinsRecharge(n)).qrcodeUrl)
    } catch (e) {
      toast(userMessage(e), 'fail')
    }
  }
  return (
    <Section title={c.rechargeTitle}>
      <Field
        id='coinCount'
        label={c.coinCount}
        value={count}
        onInput={(v) => {
          setCount(v)
          setQr(undefined)
        }}
        error={count && n === undefined ? t.console.errors.quantity : undefined}
        type='digit'
        required
      />
      <Button className='btn-block' type='primary' disabled={n === undefined} onClick={() => void recharge()}>
        {c.recharge}
      </Button>
      {qr && (
        <View className='center' id='recharge-qr'>
          <QrView text={qr} />
          <Text className='muted'>{c.rechargeHint}</Text>
        </View>
      )}
    </Section>
  )
}

function CoinsView() {
  const { cardId } = usePageQuery()
  const [account, reloadAccount] = useCloudData(consoleApi.coins)
  const [coupons, reloadCoupons] = useCloudData(consoleApi.coupons)
  const [fresh, setFresh] = useState<CoinAccount>()
  const [toast, showToast] = useToast()
  return (
    <View>
      {toast}
      <RetiredNotice />
      <AsyncState value={account} onRetry={reloadAccount}>
        {(a) => <Balance account={fresh ?? a} onActivated={setFresh} toast={showToast} />}
      </AsyncState>
      <AsyncState value={coupons} onRetry={reloadCoupons}>
        {(d) => (
          <BuyStock
            friends={d.coupons.filter((x) => x.friend)}
            initial={cardId}
            onBought={() => {
              setFresh(undefined)
              void reloadAccount()
            }}
            toast={showToast}
          />
        )}
      </AsyncState>
      <Recharge toast={showToast} />
    </View>
  )
}

export default function CoinsPage() {
  return <Gate title={t.console.coins.title}>{() => <CoinsView />}</Gate>
}

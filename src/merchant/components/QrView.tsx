import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { Button } from '../../components/ui'
import { userMessage } from '../../services/errors'
import { t } from '../../strings'
import { consoleApi } from '../api'
import { qrRows } from '../../components/CodeView/codes'

/** A QR code for `text` (e.g. the card's delivery URL from card/qrcode/create), drawn with views. */
export function QrView({ text }: { text: string }) {
  const qr = useMemo(() => qrRows(text), [text])
  return (
    <View className='qrcode' data-size={qr.size} id='delivery-qr'>
      {qr.rows.map((row, i) => (
        <View key={i} className='qr-row'>
          {row.map((r, j) => (
            <View key={j} className={r.dark ? 'code-dark' : 'code-light'} style={{ width: `${((r.n / qr.size) * 100).toFixed(4)}%` }} />
          ))}
        </View>
      ))}
    </View>
  )
}

/**
 * QR delivery: a button that asks card/qrcode/create (merchant.qrcodeCreate) for the card, and the code once
 * made, apart: the button can sit in a row of actions and the code below it.
 */
export function useDeliveryQr(cardId: string, label: string, toast: (s: string, i?: 'success' | 'fail') => void) {
  const [qr, setQr] = useState<string>()
  const button = (
    <Button
      size='small'
      fill='outline'
      onClick={() =>
        void consoleApi.qrcode(cardId).then(
          (r) => setQr(r.url),
          (err) => toast(userMessage(err), 'fail'),
        )
      }
    >
      {label}
    </Button>
  )
  const code = qr ? (
    <View className='center'>
      <QrView text={qr} />
      <Text className='muted'>{t.console.qrcodeHint}</Text>
    </View>
  ) : null
  return { button, code }
}

/** QR delivery: the button, and the code under it. */
export function DeliveryQr({
  cardId,
  label,
  toast,
}: {
  cardId: string
  label: string
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const { button, code } = useDeliveryQr(cardId, label, toast)
  return (
    <View>
      {button}
      {code}
    </View>
  )
}

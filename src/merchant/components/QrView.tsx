import { View } from '@tarojs/components'
import { useMemo } from 'react'
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

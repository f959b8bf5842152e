import { Text, View } from '@tarojs/components'
import { useMemo } from 'react'
import { barcodeRuns, qrRows, type Run } from './codes'

/** Groups a card code in fours, as printed card numbers are read aloud: 8000 0000 0001. */
export const groupCode = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ')

const pct = (n: number, of: number) => `${((n / of) * 100).toFixed(4)}%`

function RunRow({ runs, total, className }: { runs: Run[]; total: number; className: string }) {
  return (
    <View className={className}>
      {runs.map((r, i) => (
        <View key={i} className={r.dark ? 'code-dark' : 'code-light'} style={{ width: pct(r.n, total) }} />
      ))}
    </View>
  )
}

/** The card's code as a barcode, a QR code and digits, for a cashier to scan or type. */
export function CodeView({ code }: { code: string }) {
  const bars = useMemo(() => barcodeRuns(code), [code])
  const qr = useMemo(() => qrRows(code), [code])
  return (
    <View className='code-view' id='code-view'>
      <RunRow runs={bars.runs} total={bars.modules} className='barcode' />
      <Text className='code-digits' id='code-digits'>
        {groupCode(code)}
      </Text>
      <View className='qrcode' data-size={qr.size}>
        {qr.rows.map((row, i) => (
          <RunRow key={i} runs={row} total={qr.size} className='qr-row' />
        ))}
      </View>
    </View>
  )
}

import { Text, View } from '@tarojs/components'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { beijingDateTime } from '../../../utils/time'
import type { Entry } from '../../api'

/** A card's ledger entries, newest first, in words. */
export function Entries({ entries }: { entries: Entry[] }) {
  return (
    <View className='entries'>
      {entries.map((e) => (
        <View key={e.entryId} className='row small entry'>
          <Text>
            {t.console.entryKind[e.kind] ?? e.kind} · {beijingDateTime(e.createdAt)}
          </Text>
          <Text>
            {e.amount > 0 ? '+' : ''}
            {yuan(e.amount)} → {yuan(e.balanceAfter)}
          </Text>
        </View>
      ))}
    </View>
  )
}

import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { t } from '../../../strings'
import { beijingDateTime } from '../../../utils/time'
import { consoleApi, type AuditEntry } from '../../api'
import { Gate } from '../../components/Gate'

function AuditView() {
  const [data, reload] = useCloudData(() => consoleApi.audit(0))
  const [more, setMore] = useState<AuditEntry[]>([])
  return (
    <AsyncState value={data} onRetry={reload} isEmpty={(d) => d.entries.length === 0} empty={t.console.noAudit}>
      {(d) => {
        const entries = [...d.entries, ...more]
        return (
          <Section title={t.console.menu.audit}>
            {entries.map((e, i) => (
              <View key={`${e.at}-${i}`} className='card-tile plain audit-row' data-action={e.action}>
                <View className='row'>
                  <Text>{t.console.actions[e.action] ?? t.console.otherAction}</Text>
                  <Text className='muted'>{beijingDateTime(e.at)}</Text>
                </View>
                <View className='muted'>{e.target}{e.reason ? ` · ${e.reason}` : ''}</View>
                <View className='muted'>{t.console.by(`…${e.openid.slice(-6)}`)}</View>
              </View>
            ))}
            {entries.length < d.total && <Button size='small' fill='outline' onClick={() => void consoleApi.audit(entries.length).then((r) => setMore([...more, ...r.entries]))}>{t.common.more}</Button>}
          </Section>
        )
      }}
    </AsyncState>
  )
}

export default function AuditPage() {
  return <Gate title={t.console.menu.audit}>{() => <AuditView />}</Gate>
}

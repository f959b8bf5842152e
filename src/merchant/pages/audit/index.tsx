import { Text, View } from '@tarojs/components'
import { AsyncState } from '../../../components/AsyncState'
import { Section } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { useMore } from '../../../hooks/useMore'
import { t } from '../../../strings'
import { beijingDateTime } from '../../../utils/time'
import { consoleApi } from '../../api'
import { Gate } from '../../components/Gate'

function AuditView() {
  const [data, reload] = useCloudData(() => consoleApi.audit())
  const more = useMore((cursor) => consoleApi.audit(cursor).then((r) => ({ rows: r.entries, nextCursor: r.nextCursor })))
  return (
    <AsyncState value={data} onRetry={() => reload().then(more.reset)} isEmpty={(d) => d.entries.length === 0} empty={t.console.noAudit}>
      {(d) => {
        const entries = [...d.entries, ...more.rows]
        return (
          <Section title={t.console.menu.audit}>
            {entries.map((e, i) => (
              <View key={`${e.at}-${i}`} className='card-tile plain audit-row' data-action={e.action}>
                <View className='row'>
                  <Text>{t.console.actions[e.action] ?? t.console.otherAction}</Text>
                  <Text className='muted'>{beijingDateTime(e.at)}</Text>
                </View>
                <View className='muted'>
                  {e.target}
                  {e.reason ? ` · ${e.reason}` : ''}
                </View>
                <View className='muted'>{t.console.by(`…${e.openid.slice(-6)}`)}</View>
              </View>
            ))}
            {more.failed && <View className='muted'>{more.failed}</View>}
            {more.cursor(d.nextCursor) && (
              <Button size='small' fill='outline' id='audit-more' loading={more.loading} onClick={() => void more.more(d.nextCursor)}>
                {t.common.more}
              </Button>
            )}
          </Section>
        )
      }}
    </AsyncState>
  )
}

export default function AuditPage() {
  return <Gate title={t.console.menu.audit}>{() => <AuditView />}</Gate>
}

import { Image, Text, View } from '@tarojs/components'
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
              <View key={`${e.at}-${i}`} className='card-tile plain audit-row row' data-action={e.action}>
                <View className='grow'>
                  <Text className='audit-text'>{e.text}</Text>
                  <View className='muted small'>
                    {t.console.by(e.by)} · {beijingDateTime(e.at)}
                  </View>
                </View>
                {/* The picture an action put up, as a picture (issue 28), never its URL. */}
                {e.image && <Image className='audit-thumb' src={e.image} mode='aspectFill' />}
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

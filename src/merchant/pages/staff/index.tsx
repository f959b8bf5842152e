import { Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { t } from '../../../strings'
import { consoleApi } from '../../api'
import { Gate } from '../../components/Gate'

function StaffView() {
  const [data, reload] = useCloudData(consoleApi.staff)
  const [openid, setOpenid] = useState('')
  const [toast, showToast] = useToast()
  const set = async (who: string, role: 'admin' | 'staff' | null) => {
    try {
      await consoleApi.staffSet(who, role)
      showToast(t.console.staffSaved, 'success')
      setOpenid('')
      await reload()
    } catch (err) {
      showToast(userMessage(err), 'fail')
    }
  }
  const ok = /^[A-Za-z0-9_-]{6,64}$/.test(openid.trim())
  return (
    <View>
      {toast}
      <Section title={t.console.addStaff}>
        <Input
          className='input'
          id='staff-openid'
          value={openid}
          placeholder={t.console.openidPlaceholder}
          onInput={(e) => setOpenid(e.detail.value)}
        />
        <View className='row-actions'>
          <Button size='small' fill='outline' disabled={!ok} onClick={() => void set(openid.trim(), 'staff')}>
            {t.console.asStaff}
          </Button>
          <Button size='small' fill='outline' disabled={!ok} onClick={() => void set(openid.trim(), 'admin')}>
            {t.console.asAdmin}
          </Button>
        </View>
      </Section>
      <AsyncState value={data} onRetry={reload}>
        {(d) => (
          <Section title={t.console.staffList}>
            {d.staff.map((s) => (
              <View key={s.openid} className='row staff-row' data-openid={s.openid}>
                <Text className='small'>{s.openid}</Text>
                <View className='row'>
                  <Tag type={s.role === 'admin' ? 'primary' : 'default'}>{s.owner ? t.console.owner : t.console.roleName[s.role]}</Tag>
                  {!s.owner && (
                    <Button size='small' fill='outline' onClick={() => void set(s.openid, null)}>
                      {t.console.remove}
                    </Button>
                  )}
                </View>
              </View>
            ))}
          </Section>
        )}
      </AsyncState>
    </View>
  )
}

export default function StaffPage() {
  return <Gate title={t.console.menu.staff}>{() => <StaffView />}</Gate>
}

import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { AsyncState } from '../../components/AsyncState'
import { PageShell } from '../../components/PageShell'
import { Button } from '../../components/ui'
import { useCloudData } from '../../hooks/useCloudData'
import { goBack } from '../../services/page'
import { t } from '../../strings'
import { consoleApi, type Role } from '../api'
import '../console.css'

/** The plain "no access" page: a sentence and a way back, never an errcode or a setting's name. */
export function NoAccess({ text = t.console.noAccessHint }: { text?: string }) {
  return (
    <View className='state-error' id='no-access'>
      <View className='section-title'>{t.console.noAccess}</View>
      <View className='note'>{text}</View>
      <Button className='btn-block' type='primary' onClick={() => void goBack()}>
        {t.console.backHome}
      </Button>
    </View>
  )
}

/**
 * Every console page asks merchant.whoami first: a consumer sees NoAccess, a staff member on an
 * admin page sees why not; the page itself renders only for a role it allows.
 */
export function Gate({
  title,
  allow = ['admin'],
  children,
}: {
  title: string
  allow?: ('admin' | 'staff')[]
  children: (role: 'admin' | 'staff') => ReactNode
}) {
  const [who, reload] = useCloudData(consoleApi.whoami)
  return (
    <PageShell title={title}>
      <AsyncState value={who} onRetry={reload}>
        {({ role }: { role: Role }) =>
          !role ? <NoAccess /> : !allow.includes(role) ? <NoAccess text={t.console.adminOnly} /> : children(role)
        }
      </AsyncState>
    </PageShell>
  )
}

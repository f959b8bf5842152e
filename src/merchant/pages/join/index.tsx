import { View } from '@tarojs/components'
import { useState } from 'react'
import { PageShell } from '../../../components/PageShell'
import { Button } from '../../../components/ui'
import { userMessage } from '../../../services/errors'
import { goBack, openPage, usePageQuery } from '../../../services/page'
import { t } from '../../../strings'
import { consoleApi } from '../../api'
import '../../console.css'

type State = { step: 'ask' } | { step: 'busy' } | { step: 'joined'; role: 'admin' | 'staff' } | { step: 'refused'; message: string }

/**
 * The invite a Mini Program code (wxacode.getUnlimited) carries: its `scene`, which WeChat hands the page
 * URL-encoded in its launch options, decoded as WeChat documents (decodeURIComponent). Undefined when
 * absent, or not decodable.
 */
function sceneInvite(scene: string | undefined): string | undefined {
  if (!scene) return undefined
  try {
    return decodeURIComponent(scene)
  } catch {
    return undefined
  }
}

/**
 * Issue 28: the page an owner's invite opens: scanned with WeChat's 扫一扫, its Mini Program code launches
 * it with the invite as `scene`; the path `?invite=…` works too. Whoever opens it is a consumer until
 * they accept: one tap, card.staffAccept, then the way to the counter (or the console, for an admin).
 */
export default function JoinPage() {
  const query = usePageQuery()
  const inviteId = query.invite || sceneInvite(query.scene) || ''
  const [state, setState] = useState<State>(inviteId ? { step: 'ask' } : { step: 'refused', message: t.join.noInvite })
  const accept = async () => {
    setState({ step: 'busy' })
    try {
      setState({ step: 'joined', role: (await consoleApi.staffAccept(inviteId)).role })
    } catch (err) {
      setState({ step: 'refused', message: userMessage(err) })
    }
  }
  return (
    <PageShell title={t.join.title}>
      <View className='section' id='join' data-step={state.step}>
        {(state.step === 'ask' || state.step === 'busy') && (
          <View>
            <View className='note'>{t.join.hint}</View>
            <Button className='btn-block' type='primary' loading={state.step === 'busy'} onClick={() => void accept()}>
              {t.join.accept}
            </Button>
          </View>
        )}
        {state.step === 'joined' && (
          <View>
            <View className='section-title' id='join-done'>
              {t.join.joined(t.console.roleName[state.role]!)}
            </View>
            <Button className='btn-block' type='primary' onClick={() => void openPage('/merchant/pages/redeem/index')}>
              {t.join.toCounter}
            </Button>
            {state.role === 'admin' && (
              <Button className='btn-block' fill='outline' onClick={() => void openPage('/merchant/pages/home/index')}>
                {t.join.toConsole}
              </Button>
            )}
          </View>
        )}
        {state.step === 'refused' && (
          <View className='state-error'>
            <View className='note' id='join-refused'>
              {state.message}
            </View>
            <Button className='btn-block' type='primary' onClick={() => void goBack()}>
              {t.console.backHome}
            </Button>
          </View>
        )}
      </View>
    </PageShell>
  )
}

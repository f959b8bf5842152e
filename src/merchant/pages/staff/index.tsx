import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Dialog, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { t } from '../../../strings'
import { beijingDateTime } from '../../../utils/time'
import { consoleApi, type StaffMember } from '../../api'
import { Gate } from '../../components/Gate'
import { QrView } from '../../components/QrView'

type Invite = { role: 'admin' | 'staff'; expiresAt: number; qr: string; wxacode?: string; wxacodeError?: string }

/**
 * Issue 28: an owner invites staff with the invite's Mini Program code (小程序码, merchant.staffInvite's
 * `wxacode`), which WeChat's 扫一扫 opens on the join page (merchant/pages/join), good once and for 10
 * minutes; nobody types an openid. Without the code (WeChat refused it) the page says so and shows the QR
 * code of the path, which only opens from inside the Mini Program.
 */
function InviteSection({ owner, toast }: { owner: boolean; toast: (s: string, i?: 'success' | 'fail') => void }) {
  const [invite, setInvite] = useState<Invite>()
  const [busy, setBusy] = useState(false)
  if (!owner) return <View className='note'>{t.console.inviteOwnersOnly}</View>
  const make = async (role: 'admin' | 'staff') => {
    setBusy(true)
    try {
      const r = await consoleApi.staffInvite(role)
      setInvite({ role, expiresAt: r.expiresAt, qr: r.qr, wxacode: r.wxacode, wxacodeError: r.wxacodeError })
    } catch (err) {
      toast(userMessage(err), 'fail')
    } finally {
      setBusy(false)
    }
  }
  return (
    <View id='staff-invite'>
      <View className='note'>{t.console.inviteHint}</View>
      <View className='row-actions'>
        {(['staff', 'admin'] as const).map((role) => (
          <Button key={role} size='small' fill='outline' disabled={busy} onClick={() => void make(role)}>
            {t.console.inviteAs[role]}
          </Button>
        ))}
      </View>
      {invite && (
        <View className='center' id='invite-qr' data-path={invite.qr} data-error={invite.wxacodeError}>
          {invite.wxacode ? (
            <Image className='invite-code' src={invite.wxacode} mode='scaleToFill' showMenuByLongpress />
          ) : (
            <View>
              <View className='note state-error' id='invite-code-failed'>
                {t.console.inviteCodeFailed}
              </View>
              <QrView text={invite.qr} />
            </View>
          )}
          <View className='muted'>{t.console.inviteFor(t.console.roleName[invite.role]!, beijingDateTime(invite.expiresAt))}</View>
          <View className='small muted invite-path'>
            {t.console.invitePath} {invite.qr}
          </View>
        </View>
      )}
    </View>
  )
}

function StaffRow({ s, onRemove }: { s: StaffMember; onRemove: () => void }) {
  return (
    <View className='row staff-row' data-person={s.personId}>
      <View>
        <Text>{s.name}</Text>
        {s.grantedBy && s.grantedAt !== undefined && (
          <View className='small muted'>{t.console.grantedBy(s.grantedBy, beijingDateTime(s.grantedAt))}</View>
        )}
      </View>
      <View className='row'>
        <Tag type={s.role === 'admin' ? 'primary' : 'default'}>{s.owner ? t.console.owner : t.console.roleName[s.role]}</Tag>
        {!s.owner && (
          <Button size='small' fill='outline' onClick={onRemove}>
            {t.console.remove}
          </Button>
        )}
      </View>
    </View>
  )
}

function StaffView() {
  const [data, reload] = useCloudData(() => Promise.all([consoleApi.staff(), consoleApi.whoami()]))
  const [toast, showToast] = useToast()
  /** the person whose removal waits for the owner's yes: one tap must not take someone's access away */
  const [removing, setRemoving] = useState<StaffMember>()
  const remove = async (personId: string) => {
    try {
      await consoleApi.staffSet(personId, null)
      showToast(t.console.staffRemoved, 'success')
      await reload()
    } catch (err) {
      showToast(userMessage(err), 'fail')
    }
  }
  return (
    <View>
      {toast}
      <AsyncState value={data} onRetry={reload}>
        {([d, who]) => (
          <View>
            <Section title={t.console.inviteStaff}>
              <InviteSection owner={who.owner === true} toast={showToast} />
            </Section>
            <Section title={t.console.staffList}>
              <View className='row-actions'>
                <Button size='small' fill='outline' id='staff-reload' onClick={() => void reload()}>
                  {t.common.retry}
                </Button>
              </View>
              {d.staff.map((s) => (
                <StaffRow key={s.personId} s={s} onRemove={() => setRemoving(s)} />
              ))}
            </Section>
            <Dialog
              visible={removing !== undefined}
              title={t.console.removeTitle}
              content={removing ? t.console.removeText(removing.name, t.console.roleName[removing.role]!) : ''}
              confirmText={t.console.remove}
              cancelText={t.common.cancel}
              onConfirm={() => {
                const who = removing
                setRemoving(undefined)
                if (who) void remove(who.personId)
              }}
              onCancel={() => setRemoving(undefined)}
            />
          </View>
        )}
      </AsyncState>
    </View>
  )
}

export default function StaffPage() {
  return <Gate title={t.console.menu.staff}>{() => <StaffView />}</Gate>
}

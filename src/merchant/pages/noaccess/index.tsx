import { PageShell } from '../../../components/PageShell'
import { t } from '../../../strings'
import { NoAccess } from '../../components/Gate'

/** Where a link to the console leads someone who is not the merchant's: a sentence and a way back. */
export default function NoAccessPage() {
  return (
    <PageShell title={t.merchant.title}>
      <NoAccess />
    </PageShell>
  )
}

import { useRef, useState } from 'react'
import { userMessage } from '../../services/errors'
import { t } from '../../strings'

type Toast = (text: string, icon?: 'success' | 'fail') => void

/**
 * A console form's submit: refused with 请先修改标红的内容 while it has errors, sent once however often
 * it is tapped (again after a failure), and a refusal shown in the merchant function's words (a 45103
 * arrives as its own sentence, services/errors.ts).
 */
export function useSubmitOnce(
  showToast: Toast,
): [boolean, <T>(hasErrors: boolean, send: () => Promise<T>, done: (r: T) => void) => Promise<void>] {
  const sent = useRef(false)
  const [busy, setBusy] = useState(false)
  const submit = async <T>(hasErrors: boolean, send: () => Promise<T>, done: (r: T) => void) => {
    if (hasErrors) {
      showToast(t.console.fixErrors, 'fail')
      return
    }
    if (sent.current) return
    sent.current = true
    setBusy(true)
    try {
      done(await send())
    } catch (e) {
      sent.current = false
      showToast(userMessage(e), 'fail')
    } finally {
      setBusy(false)
    }
  }
  return [busy, submit]
}

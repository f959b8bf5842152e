import { useRef, useState } from 'react'
import { userMessage } from '../../services/errors'
import { t } from '../../strings'

type Toast = (text: string, icon?: 'success' | 'fail') => void

/**
 * A console form's submit: refused with 请先修改标红的内容 while it has errors, sent once however often
 * it is tapped (again after a failure), and a refusal shown in the merchant function's words (a 45103
 * arrives as its own sentence, services/errors.ts). A page whose form stays for another submission (a
 * second pay-gift rule) calls `rearm` when the merchant changes the form: a new value is a new request.
 */
export function useSubmitOnce(
  showToast: Toast,
): [boolean, <T>(hasErrors: boolean, send: () => Promise<T>, done: (r: T) => void) => Promise<void>, () => void] {
  const sent = useRef(false)
  const inFlight = useRef(false)
  const changed = useRef(false)
  const [busy, setBusy] = useState(false)
  const submit = async <T>(hasErrors: boolean, send: () => Promise<T>, done: (r: T) => void) => {
    if (hasErrors) {
      showToast(t.console.fixErrors, 'fail')
      return
    }
    if (sent.current) return
    sent.current = true
    inFlight.current = true
    changed.current = false
    setBusy(true)
    try {
      done(await send())
    } catch (e) {
      sent.current = false
      showToast(userMessage(e), 'fail')
    } finally {
      inFlight.current = false
      if (changed.current) sent.current = false
      setBusy(false)
    }
  }
  // A change typed while a request is in flight re-arms once that request has ended, never during it.
  const rearm = () => {
    if (inFlight.current) changed.current = true
    else sent.current = false
  }
  return [busy, submit, rearm]
}

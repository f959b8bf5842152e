import { useCallback, useState } from 'react'
import { Toast } from '../ui'

/** A short toast (NutUI), for outcomes that need no decision: 已放入卡包, 你取消了支付. */
export function useToast(): [JSX.Element, (text: string, icon?: 'success' | 'fail') => void] {
  const [shown, setShown] = useState<{ text: string; icon?: 'success' | 'fail' } | undefined>()
  const show = useCallback((text: string, icon?: 'success' | 'fail') => setShown({ text, icon }), [])
  const node = <Toast visible={!!shown} content={shown?.text ?? ''} icon={shown?.icon} duration={2} onClose={() => setShown(undefined)} />
  return [node, show]
}

import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useToast } from '../../components/Notice'
import { RequiredMark } from '../../components/RequiredMark'
import { Button } from '../../components/ui'
import { userMessage } from '../../services/errors'
import { pickImage } from '../../services/image'
import { t } from '../../strings'
import { consoleApi } from '../api'

/** A picture uploaded to WeChat's CDN (merchant.imageUpload) before a card names it. */
export function Upload({
  label,
  url,
  onUrl,
  id,
  error,
  required,
}: {
  label: string
  url: string
  onUrl: (u: string) => void
  id: string
  error?: string
  required?: boolean
}) {
  const [busy, setBusy] = useState(false)
  const [toast, showToast] = useToast()
  const upload = async () => {
    const img = await pickImage()
    if (!img) return
    setBusy(true)
    try {
      onUrl((await consoleApi.imageUpload(img.name, img.content)).url)
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className={`field${error ? ' field-error' : ''}`} id={`field-${id}`}>
      {toast}
      <Text className='field-label'>
        {label}
        {required ? <RequiredMark /> : null}
      </Text>
      <View className='row'>
        {url ? <Image className='thumb' src={url} mode='aspectFill' /> : null}
        <Button size='small' fill='outline' disabled={busy} onClick={() => void upload()}>
          {busy ? t.console.uploading : url ? t.console.uploaded : t.console.upload}
        </Button>
      </View>
      {error && <Text className='error field-msg'>{error}</Text>}
    </View>
  )
}

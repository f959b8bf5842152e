// Choosing a picture on the phone and reading it as base64 for merchant.imageUpload (which puts it on
// WeChat's CDN through media/uploadimg). WeChat reads the temp file with its file system manager; the
// H5 preview's chooseImage gives a blob URL.
import Taro from '@tarojs/taro'

export async function pickImage(): Promise<{ name: string; contentBase64: string } | undefined> {
  const res = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] }).catch(() => undefined)
  const path = res?.tempFilePaths?.[0]
  if (!path) return undefined
  const file = res?.tempFiles?.[0] as { originalFileObj?: { name?: string } } | undefined
  const name = (file?.originalFileObj?.name ?? path.split('/').pop() ?? 'image').replace(/[^A-Za-z0-9._-]/g, '').slice(-60) || 'image'
  if (process.env.TARO_ENV === 'h5') {
    const blob = await (await fetch(path)).blob()
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const r = new FileReader()
      r.onload = () => resolve(String(r.result))
      r.onerror = () => reject(r.error)
      r.readAsDataURL(blob)
    })
    return { name, contentBase64: dataUrl.slice(dataUrl.indexOf(',') + 1) }
  }
  return { name, contentBase64: Taro.getFileSystemManager().readFileSync(path, 'base64') as string }
}

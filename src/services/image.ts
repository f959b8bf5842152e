// Choosing a picture on the phone for merchant.imageUpload (which puts it on WeChat's CDN through
// media/uploadimg). A picture (up to 1 MB) is far over what a call's data may carry (about 100 KB), so the
// picked file is marked with wx.cloud.CDN and reaches the function as a URL it downloads (`contentUrl`);
// only a client without wx.cloud.CDN sends it as base64 (`contentBase64`), which fits small pictures
// only. WeChat's chooseImage gives a temp file path; the H5 preview's gives a blob URL, which its bridge
// reads the same way.
import Taro from '@tarojs/taro'
import { markForCdn, type CdnMarked } from './cdn'

/** The picked picture as imageUpload takes it: a marked file, or its base64. */
export type PickedContent = { contentUrl: CdnMarked } | { contentBase64: string }

export async function pickImage(): Promise<{ name: string; content: PickedContent } | undefined> {
  const res = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] }).catch(() => undefined)
  const path = res?.tempFilePaths?.[0]
  if (!path) return undefined
  const file = res?.tempFiles?.[0] as { originalFileObj?: { name?: string } } | undefined
  const name = (file?.originalFileObj?.name ?? path.split('/').pop() ?? 'image').replace(/[^A-Za-z0-9._-]/g, '').slice(-60) || 'image'
  const marked = markForCdn({ type: 'filePath', filePath: path })
  if (marked) return { name, content: { contentUrl: marked } }
  return { name, content: { contentBase64: Taro.getFileSystemManager().readFileSync(path, 'base64') as string } }
}

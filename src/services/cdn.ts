// wx.cloud.CDN: a field of a cloud call's data that is too big for the call (Cloud.callFunction's "data
// 参数说明" advises it above about 100 KB) is marked; WeChat's client uploads the marked content to a
// temporary CDN before calling, and the function receives the field as that URL, to download itself.
// On weapp this is WeChat's own; the H5 preview's bridge plays WeChat's client (h5-bridge.ts).
import Taro from '@tarojs/taro'

/** What wx.cloud.CDN takes: a string, an ArrayBuffer, or a file by its path. */
export type CdnTarget = string | ArrayBuffer | { type: 'filePath'; filePath: string }

declare const cdnMarked: unique symbol
/** A marked value: only good as a field of a call's data, where the function receives a URL instead. */
export type CdnMarked = { readonly [cdnMarked]: true }

/**
 * Marks `target` for the temporary CDN, or undefined where the client cannot (a WeChat base library
 * before 2.12.0, which has no wx.cloud.CDN): the caller then sends the content itself.
 */
export function markForCdn(target: CdnTarget): CdnMarked | undefined {
  if (process.env.TARO_ENV === 'h5') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./h5-bridge') as typeof import('./h5-bridge')).h5Cdn(target) as unknown as CdnMarked
  }
  // Taro 4.2.1's typings have no cloud.CDN, but on weapp Taro.cloud is wx.cloud itself (the weapp
  // platform's runtime assigns it), and wx.cloud.CDN is there from base library 2.12.0.
  const cloud = Taro.cloud as unknown as { CDN?: (t: CdnTarget) => CdnMarked }
  return typeof cloud.CDN === 'function' ? cloud.CDN(target) : undefined
}

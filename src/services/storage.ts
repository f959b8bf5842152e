// The Mini Program's own small memory across reloads (wx.setStorageSync; localStorage in the H5 preview):
// only what a page must find again after being closed, never a secret.
import Taro from '@tarojs/taro'

/** The checkout whose WeChat Pay sheet was open when the page went away (pages/checkout resumes it). */
const OPEN_CHECKOUT = 'openCheckout'

export function rememberOpenCheckout(checkoutId: string): void {
  Taro.setStorageSync(OPEN_CHECKOUT, checkoutId)
}

export function openCheckout(): string | undefined {
  const v: unknown = Taro.getStorageSync(OPEN_CHECKOUT)
  return typeof v === 'string' && v !== '' ? v : undefined
}

export function forgetOpenCheckout(): void {
  Taro.removeStorageSync(OPEN_CHECKOUT)
}

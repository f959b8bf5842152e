// Page-level platform hooks and navigation, so that pages never import Taro themselves.
import Taro, { useRouter } from '@tarojs/taro'
import { useRef } from 'react'

/**
 * The current page's query parameters, decoded once by the framework. In the H5 build (hash router) a
 * link made by appending a query to the page's URL — as WeChat does to a shelf cell's url,
 * `…/?order_id=…&openid=…#/pages/order/index` — carries it before the hash, so those are read too.
 */
export function usePageQuery(): Record<string, string | undefined> {
  const params = useRouter().params
  if (process.env.TARO_ENV === 'h5' && typeof window !== 'undefined' && window.location.search) {
    return { ...Object.fromEntries(new URLSearchParams(window.location.search)), ...params }
  }
  return params
}

/** Runs `refresh` on pull-down and closes the spinner when it settles. */
export function usePullDownRefresh(refresh: () => Promise<unknown>): void {
  Taro.usePullDownRefresh(() => {
    void refresh().finally(() => Taro.stopPullDownRefresh())
  })
}

export function openPage(url: string): Promise<unknown> {
  return Taro.navigateTo({ url })
}

export function openTab(url: string): Promise<unknown> {
  return Taro.switchTab({ url })
}

/** Replaces this page (after a purchase, the gift envelope replaces nothing the user wants back). */
export function redirectTo(url: string): Promise<unknown> {
  return Taro.redirectTo({ url })
}

export function hasPreviousPage(): boolean {
  return Taro.getCurrentPages().length > 1
}

/** Back to the previous page, or home when this page was opened directly (a shared link). */
export function goBack(): Promise<unknown> {
  return hasPreviousPage() ? Taro.navigateBack() : Taro.switchTab({ url: '/pages/index/index' })
}

/** What a chat shows when this page is shared: onShareAppMessage. */
export function useShare(share: () => { title: string; path: string; imageUrl?: string } | undefined): void {
  Taro.useShareAppMessage(() => share() ?? { title: '礼品卡', path: '/pages/index/index' })
}

/** Copies text (the claim link in the H5 preview, where there is no chat to share into). */
export function copyText(data: string): Promise<unknown> {
  return Taro.setClipboardData({ data })
}

/**
 * Runs `load` each time the page is shown again (tab switches, coming back from another page). The
 * first show comes with opening the page, which loads its data already.
 */
export function usePageShow(load: () => void): void {
  const shownBefore = useRef(false)
  Taro.useDidShow(() => {
    if (shownBefore.current) load()
    shownBefore.current = true
  })
}

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

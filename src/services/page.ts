// Page-level platform hooks and navigation, so that pages never import Taro themselves.
import Taro, { useRouter } from '@tarojs/taro'
import { useRef } from 'react'

/** The current page's query parameters, decoded once by the framework. */
export function usePageQuery(): Record<string, string | undefined> {
  return useRouter().params
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

// Page-level platform hooks and navigation, so that pages never import Taro themselves.
import Taro, { useRouter } from '@tarojs/taro'

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

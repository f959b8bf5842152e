// A 2d canvas for a chart library to draw on. weapp hands out a `type="2d"` canvas only through a
// selector query (`fields({node})`); the H5 preview renders Taro's Canvas as a DOM <canvas>. Either way
// null when there is none (miniprogram-simulate, jsdom, a base library without canvas 2d): callers then
// show their figures as text only.
import Taro from '@tarojs/taro'

export interface Canvas2d {
  node: { width: number; height: number }
  context: unknown
  /** CSS pixels. */
  width: number
  pixelRatio: number
  /**
   * H5 only: calls `redraw` whenever something else sets the canvas's size (which clears it) after the
   * chart was drawn; returns the way to stop watching. Absent on weapp, whose canvas only we size.
   */
  onWiped?: (redraw: () => void) => () => void
}

interface Node {
  width: number
  height: number
  getContext?: (kind: '2d') => unknown
}

function ratio(): number {
  try {
    return Taro.getWindowInfo?.().pixelRatio || 1
  } catch {
    return 1
  }
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

/**
 * H5: Taro's Canvas is a Stencil web component (taro-canvas-core) whose every render sets its inner
 * <canvas>'s width and height (`componentDidRender`), which clears whatever was drawn. Its first render
 * measures its size and stores it in two of its own props, which renders it once more later — a frame
 * later on a quiet machine, several on a loaded one (Stencil spreads its queue over frames). Waiting for
 * that second render was not enough (a chart marked drawn was still found blank in the merchant-console
 * e2e on CI), so the canvas is handed out once the component is loaded, and `onWiped` watches its width
 * and height attributes: any size set by someone else after the draw asks for the chart again.
 */
async function h5(id: string): Promise<Canvas2d | null> {
  if (typeof document === 'undefined') return null
  const host = document.querySelector(`#${id}`) as (HTMLElement & { componentOnReady?: () => Promise<unknown> }) | null
  if (host?.componentOnReady) {
    await host.componentOnReady()
    await nextFrame()
  }
  const el = document.querySelector(`#${id} canvas, canvas#${id}`) as (HTMLCanvasElement & Node) | null
  const context = el?.getContext?.('2d')
  const width = el?.getBoundingClientRect().width ?? 0
  if (!el || !context || !(width > 0)) return null
  const onWiped = (redraw: () => void) => {
    if (typeof MutationObserver === 'undefined') return () => undefined
    const sizes = { attributes: true, attributeFilter: ['width', 'height'] }
    const watch = new MutationObserver(() => {
      // Our own redraw sizes the canvas too: not listened to (disconnect also drops what is queued).
      watch.disconnect()
      redraw()
      watch.observe(el, sizes)
    })
    watch.observe(el, sizes)
    return () => watch.disconnect()
  }
  return { node: el, context, width, pixelRatio: ratio(), onWiped }
}

export function findCanvas2d(id: string): Promise<Canvas2d | null> {
  if (process.env.TARO_ENV === 'h5') return h5(id)
  return new Promise<Canvas2d | null>((resolve) => {
    Taro.createSelectorQuery()
      .select(`#${id}`)
      .fields({ node: true, size: true }, () => undefined)
      .exec((res: ({ node?: Node; width?: number } | null)[] | undefined) => {
        const hit = res?.[0]
        const context = hit?.node?.getContext?.('2d')
        resolve(hit?.node && context && hit.width ? { node: hit.node, context, width: hit.width, pixelRatio: ratio() } : null)
      })
  }).catch(() => null)
}

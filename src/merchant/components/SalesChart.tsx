import { Canvas, Text, View } from '@tarojs/components'
import uCharts from '@qiun/ucharts'
import { useEffect, useState } from 'react'
import { findCanvas2d } from '../../services/canvas'
import { t } from '../../strings'
import { yuan } from '../../utils/money'
import type { SalesChart as Figures } from '../sales-chart'

const HEIGHT = 220
/** One colour a channel, the same in the chart and in the legend of the text rendering. */
const COLOURS: Record<string, string> = { mp: '#b8322a', shelf: '#d98b2b', checkout: '#4a7a8c' }

/**
 * Sales by day, one stacked column a channel, drawn by uCharts (@qiun/ucharts: the lightest maintained
 * Mini Program chart library measured, see README "Merchant console") on a 2d canvas. The same figures are
 * always written out below the chart: that is what a screen reader reads, what the tests assert, and
 * all there is where no canvas can be had (a test renderer, an old base library) — the chart is then left out.
 */
export function SalesChart({ figures }: { figures: Figures }) {
  const id = 'sales-chart'
  const [drawn, setDrawn] = useState<{ state: 'pending' | 'drawn' | 'none'; ms?: number }>({ state: 'pending' })
  // The parent recomputes the figures on each render; redraw only when the numbers change.
  const key = JSON.stringify(figures)
  useEffect(() => {
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    let unwatch: (() => void) | undefined
    // The canvas appears a moment after the first render (H5 renders Taro's Canvas as a web component
    // whose <canvas> comes later; on a busy phone or test machine, much later): look again for up to
    // about 3 s before settling for the text figures alone.
    const attempt = (left: number) => {
      void findCanvas2d(id).then((canvas) => {
        if (!live) return
        if (!canvas && left > 0) {
          timer = setTimeout(() => attempt(left - 1), 150)
          return
        }
        if (!canvas) return setDrawn({ state: 'none' })
        const { node, context, width, pixelRatio } = canvas
        const draw = () => {
          node.width = width * pixelRatio
          node.height = HEIGHT * pixelRatio
          new uCharts({
            type: 'column',
            context,
            width: width * pixelRatio,
            height: HEIGHT * pixelRatio,
            pixelRatio,
            animation: false,
            dataLabel: false,
            background: '#FFFFFF',
            color: figures.series.map((s) => COLOURS[s.channel]),
            padding: [12, 12, 4, 4],
            categories: figures.categories,
            series: figures.series.map((s) => ({ name: t.merchant.channel[s.channel] ?? s.channel, data: s.data.map((f) => f / 100) })),
            legend: { show: true, position: 'top' },
            xAxis: { disableGrid: true, fontSize: 11 },
            yAxis: { data: [{ min: 0, fontSize: 11 }], splitNumber: 4 },
            extra: { column: { type: 'stack', width: 18 } },
          })
        }
        // A chart uCharts cannot draw leaves the text figures alone.
        const drew = () => {
          try {
            draw()
            return true
          } catch {
            setDrawn({ state: 'none' })
            return false
          }
        }
        const started = Date.now()
        if (!drew()) return
        setDrawn({ state: 'drawn', ms: Date.now() - started })
        // Drawn again whenever the canvas is cleared behind our back (H5's web component re-sizing it).
        unwatch = canvas.onWiped?.(drew)
      })
    }
    timer = setTimeout(() => attempt(20), 0)
    return () => {
      live = false
      clearTimeout(timer)
      unwatch?.()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `figures`
  }, [key])
  return (
    <View className='sales-chart' data-drawn={drawn.state} data-draw-ms={drawn.ms}>
      {drawn.state !== 'none' && <Canvas type='2d' id={id} canvasId={id} className='sales-canvas' style={{ height: `${HEIGHT}px` }} />}
      <View className='sales-figures' id='sales-figures'>
        {figures.categories.map((day, i) => (
          <View className='sales-day' key={day}>
            <Text className='sales-date'>{day}</Text>
            <Text className='sales-parts'>
              {figures.series
                .filter((s) => (s.data[i] ?? 0) > 0)
                .map((s) => `${t.merchant.channel[s.channel] ?? s.channel} ${yuan(s.data[i] ?? 0)}`)
                .join('，')}
            </Text>
            <Text className='sales-total'>{yuan(figures.totals[i] ?? 0)}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}

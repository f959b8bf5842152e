// One candidate: @antv/f2 5 (JSX-less: F2's own jsx() builds the chart tree).
import { Canvas, Chart, Interval, Axis, Legend, jsx } from '@antv/f2'
import { categories, series, W, H, R, bench } from './figures.js'
const data = series.flatMap((s) => s.data.map((v, i) => ({ day: categories[i], channel: s.name, amount: v })))
bench('f2', async (c) => {
  const chart = jsx(Chart, {
    data,
    children: [
      jsx(Axis, { field: 'day' }),
      jsx(Axis, { field: 'amount' }),
      jsx(Interval, { x: 'day', y: 'amount', color: 'channel', adjust: 'stack' }),
      jsx(Legend, {}),
    ],
  })
  const cv = new Canvas({ context: c.getContext('2d'), pixelRatio: R, width: W, height: H, animate: false, children: chart })
  await cv.render()
})

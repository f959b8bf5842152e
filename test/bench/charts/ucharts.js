// One candidate: uCharts (@qiun/ucharts), the library the dashboard uses (src/merchant/components/SalesChart).
import uCharts from '@qiun/ucharts'
import { categories, series, W, H, R, bench } from './figures.js'
bench('ucharts', (c) => {
  new uCharts({
    type: 'column',
    context: c.getContext('2d'),
    width: W * R,
    height: H * R,
    pixelRatio: R,
    animation: false,
    categories,
    series,
    extra: { column: { type: 'stack' } },
  })
})

// One candidate: ECharts 6 built with only what a bar chart needs (core, bar, grid, legend, canvas).
import * as echarts from 'echarts/core'
import { BarChart } from 'echarts/charts'
import { GridComponent, LegendComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { categories, series, W, H, R, bench } from './figures.js'
echarts.use([BarChart, GridComponent, LegendComponent, CanvasRenderer])
bench('echarts', () => {
  const div = document.createElement('div')
  div.style.width = W + 'px'
  div.style.height = H + 'px'
  document.body.append(div)
  const ch = echarts.init(div, null, { renderer: 'canvas', devicePixelRatio: R, width: W, height: H })
  ch.setOption({
    animation: false,
    legend: {},
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value' },
    series: series.map((s) => ({ type: 'bar', stack: 'all', name: s.name, data: s.data })),
  })
})

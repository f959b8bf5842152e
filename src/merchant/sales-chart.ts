// The figures behind the dashboard's sales chart, computed once and given both to the canvas chart and to
// its text rendering, so what is drawn and what is read (and tested) are the same numbers.
import type { Channel, Dashboard } from './api'

export const CHANNELS: Channel[] = ['mp', 'shelf', 'checkout']

export interface SalesChart {
  /** Days with sales, oldest first, as MM-DD (Beijing dates from `merchant.dashboard`). */
  categories: string[]
  /** One series a channel that sold in the range; `data[i]` is fen on `categories[i]`. */
  series: { channel: Channel; data: number[] }[]
  /** Fen a day, all channels. */
  totals: number[]
}

export function salesChart(sales: Dashboard['sales']): SalesChart {
  const dates = [...new Set(sales.map((r) => r.date))].sort()
  const sum = (date: string, channel?: Channel) =>
    sales.filter((r) => r.date === date && (channel === undefined || r.channel === channel)).reduce((s, r) => s + r.amount, 0)
  const series = CHANNELS.filter((c) => sales.some((r) => r.channel === c && r.amount > 0)).map((channel) => ({
    channel,
    data: dates.map((d) => sum(d, channel)),
  }))
  return { categories: dates.map((d) => d.slice(5)), series, totals: dates.map((d) => sum(d)) }
}

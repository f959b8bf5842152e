// The figures every candidate draws, and the timing loop (21 draws on fresh canvases; median, min).
export const categories = ['11-21', '11-22', '11-23', '11-24', '11-25', '11-26', '11-27']
export const series = [
  { name: '小程序', data: [100, 0, 300, 200, 0, 100, 500] },
  { name: '货架', data: [0, 200, 0, 100, 400, 0, 200] },
  { name: '收银', data: [50, 50, 0, 0, 100, 0, 30] },
]
export const W = 343,
  H = 220,
  R = 3
export function canvas() {
  const c = document.createElement('canvas')
  c.style.width = W + 'px'
  c.style.height = H + 'px'
  c.width = W * R
  c.height = H * R
  document.body.append(c)
  return c
}
export async function bench(name, draw) {
  const times = []
  for (let i = 0; i < 21; i++) {
    const c = canvas()
    const t0 = performance.now()
    await draw(c)
    times.push(performance.now() - t0)
    if (i < 20) c.remove()
  }
  times.sort((a, b) => a - b)
  window.result = { name, median: times[10], min: times[0] }
}

// The weapp build must not carry the H5 preview's bridge (it is behind TARO_ENV === 'h5'); the H5
// build must, or the preview could not reach the local stack.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/cloud'

function textOf(dir: string): string {
  return readdirSync(dir)
    .map((n) => {
      const p = join(dir, n)
      return statSync(p).isDirectory() ? textOf(p) : /\.(js|json|wxml)$/.test(n) ? readFileSync(p, 'utf8') : ''
    })
    .join('\n')
}

test('dist/weapp has no preview bridge; dist/h5 has it', () => {
  const weapp = textOf(join(ROOT, 'dist', 'weapp'))
  const h5 = textOf(join(ROOT, 'dist', 'h5'))
  for (const marker of ['/__preview/fn/', '/__preview/wx/', '/__preview/cdn', 'x-preview-user']) {
    expect(weapp.includes(marker)).toBe(false)
    expect(h5.includes(marker)).toBe(true)
  }
  // The weapp build does call the real cloud: wx.cloud.callFunction through Taro.
  expect(weapp).toMatch(/callFunction/)
})

import { barcodeRuns, qrRows } from './codes'

test('Code 128 of a 12-digit card code: starts and ends with a bar, 11 modules a symbol, 13-module stop', () => {
  const { runs, modules } = barcodeRuns('800000000001')
  expect(runs[0]!.dark).toBe(true)
  expect(runs[runs.length - 1]!.dark).toBe(true)
  expect(runs.reduce((s, r) => s + r.n, 0)).toBe(modules)
  // start C + 6 digit pairs + checksum (11 each) + stop (13)
  expect(modules).toBe(11 * 8 + 13)
})

test('QR rows are square and carry the finder pattern in the corner', () => {
  const { rows, size } = qrRows('800000000001')
  expect(rows).toHaveLength(size)
  for (const row of rows) expect(row.reduce((s, r) => s + r.n, 0)).toBe(size)
  // After the 2-module quiet zone, the finder's top edge is 7 dark modules.
  expect(rows[2]!.slice(0, 2)).toEqual([
    { dark: false, n: 2 },
    { dark: true, n: 7 },
  ])
})

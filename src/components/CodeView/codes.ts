// The card's code as a cashier's scanner reads it: Code 128 bars (jsbarcode's encoder, without its
// canvas/DOM renderer) and a QR matrix (uqr). Both are drawn as runs of plain views, which render the
// same in weapp and H5 without a canvas.
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128/index.js'
import { encode } from 'uqr'

/** One run of equal modules: `dark` bars or gaps, `n` modules wide. */
export interface Run {
  dark: boolean
  n: number
}

function runsOf(bits: boolean[]): Run[] {
  const runs: Run[] = []
  for (const dark of bits) {
    const last = runs[runs.length - 1]
    if (last && last.dark === dark) last.n++
    else runs.push({ dark, n: 1 })
  }
  return runs
}

/** Code 128 (automatic A/B/C switching) for `text`: the bars left to right, and the total width in modules. */
export function barcodeRuns(text: string): { runs: Run[]; modules: number } {
  const bits = (new CODE128(text, {}).encode() as { data: string }).data
  return { runs: runsOf([...bits].map((b) => b === '1')), modules: bits.length }
}

/** QR code for `text` (error correction M, quiet zone included): each row as runs. */
export function qrRows(text: string): { rows: Run[][]; size: number } {
  const qr = encode(text, { ecc: 'M', border: 2 })
  return { rows: qr.data.map((row) => runsOf(row)), size: qr.size }
}

// WeChat's client APIs the product needs: the card bag and payment. On weapp they are wx's own
// (Taro.addCard is not promisified there, so it is wrapped); the H5 preview sends them to the local
// stack, where the emulator plays WeChat's part for the person chosen in the switcher.
import Taro from '@tarojs/taro'

export interface CardToAdd {
  cardId: string
  cardExt: string
}

export interface AddedCard {
  cardId: string
  cardExt: string
  /** encrypted: decrypt on the server (card.recordAdded) */
  code: string
  isSuccess: boolean
}

export type Payment = Record<string, unknown>

function h5(api: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  // The require must sit inside the build-time constant branch, or webpack bundles the bridge into weapp.
  if (process.env.TARO_ENV === 'h5') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./h5-bridge') as typeof import('./h5-bridge')).h5Wx(api, body)
  }
  return Promise.reject(new Error(`${api}: the preview bridge exists only in the H5 build`))
}

/**
 * Set when wx.addCard failed for a reason other than the person's own cancel (WeChat may have dropped the
 * wx_card ticket the cardExt was signed with): the next signature the Mini Program asks for carries
 * renewTicket, and the server fetches the ticket anew first (server/wechat/card-ext.ts signingTicket).
 */
let addFailedSinceSigning = false

/** Whether the last add failed since the last signature asked for, and forget it (services/api.ts asks). */
export function takeAddFailed(): boolean {
  const failed = addFailedSinceSigning
  addFailedSinceSigning = false
  return failed
}

export async function addCard(cardList: CardToAdd[]): Promise<AddedCard[]> {
  try {
    if (process.env.TARO_ENV === 'h5') return (await h5('addCard', { cardList })).cardList as AddedCard[]
    return await new Promise<AddedCard[]>((resolve, reject) => {
      Taro.addCard({
        cardList,
        success: (res) => resolve(res.cardList as unknown as AddedCard[]),
        fail: (err) => reject(new Error(err.errMsg)),
      })
    })
  } catch (err) {
    if (!/cancel/i.test((err as Error).message)) addFailedSinceSigning = true
    throw err
  }
}

/** Opens cards in the card bag; `code` is the real (decrypted) code. */
export async function openCard(cardList: { cardId: string; code: string }[]): Promise<void> {
  if (process.env.TARO_ENV === 'h5') {
    await h5('openCard', { cardList })
    return
  }
  await new Promise<void>((resolve, reject) => {
    Taro.openCard({ cardList, success: () => resolve(), fail: (err) => reject(new Error(err.errMsg)) })
  })
}

/** Pays with the `payment` object the server got from Cloud Pay. */
export async function requestPayment(payment: Payment): Promise<void> {
  if (process.env.TARO_ENV === 'h5') {
    await h5('requestPayment', { payment })
    return
  }
  await Taro.requestPayment(payment as unknown as Parameters<typeof Taro.requestPayment>[0])
}

/**
 * Scans a code with the camera (wx.scanCode): what staff do at the counter. The H5 preview has no
 * camera; it fails there and the page takes the code typed in.
 */
export async function scanCode(): Promise<string> {
  if (process.env.TARO_ENV === 'h5') throw new Error('scanCode:fail no camera in the preview')
  const res = await Taro.scanCode({ onlyFromCamera: false, scanType: ['qrCode', 'barCode'] })
  return res.result
}

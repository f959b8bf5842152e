// A card as the emulator holds it: found by card_id (a deleted one is 40073, as WeChat answers) and its
// base_info. Shared by the card, code, gift-card and member-card APIs, which must not import each other.
import type { Body } from './api'
import { WxError, type Platform } from './platform'
import type { EmuCard } from './state'

export function cardOf(p: Platform, cardId: string): EmuCard {
  const c = p.s.cards[cardId]
  if (!c || c.status === 'CARD_STATUS_DELETE') throw new WxError(40073, 'invalid card id')
  return c
}

export function baseInfo(card: EmuCard): Body {
  return (card.body.base_info ?? {}) as Body
}

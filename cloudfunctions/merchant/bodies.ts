// merchant: the bodies the console passes on to WeChat whole (a card/create body, a shelf page, a QR code
// request, a pay-gift rule). Their schemas (contract/actions/merchant.ts) take any JSON object: the
// document's rules check them field by field before anything is sent (contract/card-rules.ts,
// contract/member-levels.ts, server/wechat/*), each refusal a 1001 naming the field.
import type { CardCreateRequest } from '../../server/wechat/card'

/** A JSON object as the WeChat body it is passed on as (checked by the rules of the module that sends it). */
export const wechatBody = <T extends object>(body: Record<string, unknown>): T => body as T

/** A card/create body. */
export const cardBody = (body: Record<string, unknown>) => wechatBody<CardCreateRequest['card']>(body)

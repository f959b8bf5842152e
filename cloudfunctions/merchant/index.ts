// merchant: merchant operations, for openids in MERCHANT_ADMIN_OPENIDS only.
import { assertMerchantAdmin, overview } from '../../server/domain/merchant'
import { createHandler } from '../../server/platform/handler'

export const main = createHandler('merchant', {
  async overview(_input, ctx) {
    assertMerchantAdmin(ctx.caller.openid)
    return overview(ctx.store)
  },
})

// The readings pinned for examples that do not pass as written: the document's example breaks its own
// rule, or is not valid JSON, or shows a value that is only a placeholder. Each says what the client
// and the emulator do with it and why that is the reading WeChat's servers would enforce. Every other
// example must pass as written: the client sends it unchanged, declares every field of its reply, and
// the emulator answers errcode 0 with every documented field.
export interface Reading {
  /** what the client does with the request: 'sent', 'refused: <field>', 'sent differently: …' */
  client?: string
  /** the emulator's errcode for the request (default 0) */
  emulator?: number
  /** documented reply fields the client's type leaves undeclared, or the emulator's reply lacks */
  clientMissing?: string[]
  emulatorDiff?: string[]
  why: string
}

/** card-api-guide.zh.txt lines 777, 781, 786, on every jump field of the card examples. */
const WEB_LINKS =
  'the example sets a web link (center_url / custom_url / promotion_url "www.qq.com") with no Mini Program beside it; card-api-guide.zh.txt lines 777, 781, 786 say "注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代", while gift-card-api line 377 still lists "center_url Link to the middle entrance" (and §14 line 2282 jumps to a Mini Program through it). The reading, for every card type: a url is kept only beside its *_app_brand_user_name (the fallback for clients without Mini Programs); a web link alone is refused (client names the field, emulator 40097). With the Mini Program added the example passes (test/helpers/examples.ts asTakenToday, test/contract/card-rules.test.ts)'

const ELIDED =
  'the example elides base_info ("················"), whose fields card-api-guide describes in its own section: read literally it has no title, so both sides refuse it (the client names the field, the emulator answers 47001); the complete bodies are the document\'s appendix examples, which pass'

export const READINGS: Record<string, Reading> = {
  'gift-card-api.en.txt:438': {
    client: 'refused: page.theme_list[2].category_index',
    emulator: 47001,
    why: '§7.2\'s own example breaks its rule "if the category_list is filled in, the serial number is required for each topic": its third theme has no category_index. WeChat enforces the table, so the example as written is refused',
  },
  'gift-card-api.en.txt:828': {
    client: 'refused: page.banner_pic_url',
    emulator: 40141,
    why: '§7.4\'s example shows pictures at "http://img.com/banner_pic", which the table refuses ("banner_pic_url … must be uploaded to the CDN first", line 866; friend-coupons.zh.txt line 450 "40141图片url错误"), and omits address, service_phone, biz_description, cell_1 and cell_2, which its own table marks "yes": an update sends the whole shelf, so the example as written is refused (the product merges the change into the shelf it holds and sends all of it)',
  },
  'gift-card-api.en.txt:1125': {
    client: 'refused: wxa_appid',
    emulator: 40013,
    why: '"wx123456789" is a placeholder: an appid is wx and 16 hex digits (the §8.2 example\'s "wx8638fbedaf138a87" is one), and WeChat answers 40013 invalid appid for anything else',
  },
  'gift-card-api.en.txt:1611': {
    client: 'refused: custom_field_value1',
    emulator: 40097,
    why: '§11.2\'s example sends "custom_field_value1": "xxxxx", five characters, while the same section limits it to "4 characters and 12 bytes": the rule is kept and the example refused',
  },
  'member-card-management.en.txt:455': {
    client: 'refused: card.member_card.base_info.title',
    emulator: 47001,
    why: '§8.5.1 shows only "the following fields to add" to a member card\'s creation JSON (pay_info.swipe_card), not a whole card: alone it lacks every required base_info field',
  },
  'member-card-management.en.txt:184': {
    client: 'refused: member_card.activate_msg_operation.url_cell.url',
    why: '§8.3\'s example fills both card_id_list and url, and its note says "if the developer fills in the card_id_list, and then fills in the url field, the card_id_list content will be invalid": WeChat takes it (the emulator answers 0) but silently drops the card ids, so the client follows the recommendation (url xor card ids) and refuses the mix before a merchant believes coupons were set',
  },
  'card-getting-started.en.txt:83': { client: 'refused: card.groupon.base_info.custom_url', emulator: 40097, why: WEB_LINKS },
  'friend-coupons.zh.txt:220': { client: 'refused: card.cash.base_info.center_url', emulator: 40097, why: WEB_LINKS },
  'friend-coupons.zh.txt:1489': {
    emulator: 40097,
    why: `card/update: ${WEB_LINKS}. The client sends an update as written: a url may stand beside the Mini Program the card already has, which only WeChat knows`,
  },
  'card-api-guide.zh.txt:661': {
    client: 'refused: card.groupon.base_info.logo_url',
    emulator: 40141,
    why: 'the appendix example writes its pictures as "http://mmbiz./mmbiz/iaLb7g/0": the host is elided (line 750 gives "http://mmbiz./" as the field\'s example too), so read literally the logo is not on the CDN and friend-coupons.zh.txt line 450 "40141图片url错误须使用将图片上传至CDN后获得的url" refuses it. It also sets web jump links (see the readings of card-getting-started.en.txt:83). With the host mmbiz.qpic.cn and a Mini Program beside the links it passes (test/contract/card-rules.test.ts)',
  },
  'card-api-guide.zh.txt:72': { client: 'refused: card.groupon.base_info.title', emulator: 47001, why: ELIDED },
  'card-api-guide.zh.txt:93': { client: 'refused: card.cash.base_info.title', emulator: 47001, why: ELIDED },
  'card-api-guide.zh.txt:116': { client: 'refused: card.discount.base_info.title', emulator: 47001, why: ELIDED },
  'card-api-guide.zh.txt:137': { client: 'refused: card.gift.base_info.title', emulator: 47001, why: ELIDED },
  'card-api-guide.zh.txt:158': { client: 'refused: card.general_coupon.base_info.title', emulator: 47001, why: ELIDED },
  'friend-coupons.zh.txt:303': {
    client: 'refused: card.gift.base_info.title',
    emulator: 47001,
    why: 'the GIFT friend coupon\'s example elides base_info and advanced_info ("base_info": {···}); without advanced_info.share_friends it is an ordinary GIFT card, whose title is required',
  },
  'friend-coupons.zh.txt:1640': {
    client: 'refused: end_date',
    emulator: 47001,
    why: 'the comment `//请开发者按示例格式填写日期,否则会报错dateformaterror"end_date": "2015-06-30",` runs on into the end_date member on the same line; a JSON parser that drops the comment drops end_date with it, and a request without end_date is refused. (The example without the comment is friend-coupons.zh.txt:1712, which passes.)',
  },
  'member-card-management.en.txt:161': {
    emulatorDiff: ['value: send_check true→false'],
    why: '§8.2\'s reply shows "send_check":true ("Whether this update requires arraignment"), friend-coupons.zh.txt line 1614 "true为修改字段后重新提审,该卡券的状态变为审核中": whether an edit goes back to review depends on the card and the fields changed, which the documents do not list. The emulator sends back to review only a card whose review failed (card_not_pass_check); an edit of an approved card answers false. The field and its type match',
  },
  'friend-coupons.zh.txt:1770': {
    why: 'written {"errcode":"date format error"}: the message stands where the code should be; it is read as errcode 61500 "date format error", which the emulator answers for a date not written YYYY-MM-DD (test/contract/emulator.test.ts)',
  },
  'friend-coupons.zh.txt:1768': {
    why: 'written {"errcode:" 61501,errmsg: "date range error"}: the quote is misplaced and errmsg unquoted, so it is no JSON; it is read as errcode 61501 "date range error", which the emulator answers for a range over 62 days (test/contract/emulator.test.ts)',
  },
}

/**
 * How each way the documents break JSON is read. WeChat's servers parse strict JSON and answer 47001
 * ("data format error") to anything else; the conformance run sends each such example verbatim and
 * expects exactly that, then sends the repaired reading.
 */
export const DEFECT_READINGS: Record<string, string> = {
  'single quotes instead of double quotes':
    'card-api-guide.zh.txt writes its examples with single quotes (a Python-style dump); JSON needs double quotes, so the reading is the same object with double quotes',
  'a // comment':
    'a // comment after a value (e.g. `"sub_mch_id": "1900015421"//微信支付子商户号`) annotates the field; it is not part of the request, so the reading drops it',
  'a trailing comma': 'a comma before } or ] is a typo of the document; the reading drops it',
  'a missing comma between members':
    'two members run together (`"outer_str": "web""IsChatRoom": true`): the reading separates them, keeping both fields',
  'an elided part (··· or ...)':
    '"················" or "..." stands for fields described elsewhere (base_info of §卡券基础信息); the reading is the example without them, so a body that needs them is refused',
  'non-breaking or full-width spaces':
    'friend-coupons.zh.txt indents with U+00A0 / U+3000, which JSON does not take as whitespace; the reading uses spaces',
  'a string broken across lines': "a string value wrapped onto the next line by the document's layout; the reading joins it",
  'a key with a stray space':
    'a space inside a key\'s quotes ("biz_field " in §12.2.2.3\'s get_auth_field reply) is a typo: the field table names biz_field, which is what WeChat sends; the reading trims it',
  'unbalanced braces': 'the example never closes; nothing can be read from it',
}

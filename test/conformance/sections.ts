// Where the extractor cannot tell an example's API or direction from the document itself (no URL
// above it, a response without errcode, a fragment under another API's heading), the reading taken,
// with the document's own words as the reason. Keyed by example id (`<document>:<line>`).
export interface SectionFix {
  endpoint?: string
  kind?: 'request' | 'response'
  why: string
}

export const SECTION_FIXES: Record<string, SectionFix> = {
  'card-getting-started.en.txt:83': {
    endpoint: 'card/create',
    why: 'Step 3 "Create a voucher … List of Interfaces: Create a Card Interface" (no URL in this document)',
  },
  'card-getting-started.en.txt:135': {
    endpoint: 'card/qrcode/create',
    why: 'Step 4 "Create QR code for delivery … Creating a Binary Ticket Interface"',
  },
  'card-getting-started.en.txt:164': { endpoint: 'card/testwhitelist/set', why: 'Step 6 "Set up a test whitelist interface"' },
  'card-getting-started.en.txt:182': {
    endpoint: 'card/code/consume',
    why: 'Step 7 "Cancellation Card Interface" (核销: consume), "only support the audit through and in the validity"',
  },
  'card-api-guide.zh.txt:35': {
    endpoint: 'cgi-bin/media/uploadimg',
    kind: 'response',
    why: '"2. 上传卡券Logo接口调用 … 响应报文": the upload\'s reply, {url} without errcode',
  },
  'card-api-guide.zh.txt:661': { endpoint: 'card/create', why: 'the "卡券创建接口POST报文示例" appendix, after the decrypt section' },
  'member-card-management.en.txt:455': {
    endpoint: 'card/create',
    why: '"8.5.1 Create Membership Card Support WeChat … adding the following fields to the JSON": a fragment of a member card',
  },
  'member-card-management.en.txt:474': {
    endpoint: 'card/update',
    why: '"8.5.2 Update membership card support WeChat … the JSON update membership card interface": a fragment',
  },
  'friend-coupons.zh.txt:1655': { kind: 'response', why: '"返回数据说明 数据示例": the data cube\'s reply, shown without errcode' },
  'friend-coupons.zh.txt:1729': { kind: 'response', why: '"返回数据说明 数据示例": the data cube\'s reply, shown without errcode' },
  'friend-coupons.zh.txt:1768': {
    kind: 'response',
    why: 'the error example "errcode 61501 date range error", written {"errcode:" 61501,errmsg: …}',
  },
}

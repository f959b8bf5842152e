// The reference documents' JSON examples (test/conformance/examples.json), by id, as tests send them.
import { loadCorpus } from '../conformance/corpus'

type J = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const corpus = loadCorpus()

/** A fresh copy of the example `<document>:<line>`. */
export const example = (id: string): J => JSON.parse(JSON.stringify(corpus.examples.find((e) => e.id === id)!.json)) as J

/**
 * A card/create example as WeChat takes it today: its logo on the CDN (card-api-guide.zh.txt writes
 * "http://mmbiz./mmbiz/…", the host elided; friend-coupons.zh.txt line 450 "40141图片url错误须使用将图片上传至
 * CDN后获得的url") and its jump links beside a Mini Program (card-api-guide.zh.txt lines 777, 781, 786
 * "注意:微信卡券不再支持配置网页链接跳转,请选择小程序替代"). Both readings are pinned in test/conformance/readings.ts.
 */
export function asTakenToday(req: J): J {
  const bi = (Object.values(req.card as J).find((v) => typeof v === 'object') as J).base_info as J
  bi.logo_url = String(bi.logo_url).replace('http://mmbiz./', 'http://mmbiz.qpic.cn/')
  for (const k of ['center', 'custom', 'promotion']) {
    if (bi[`${k}_url`] !== undefined)
      Object.assign(bi, { [`${k}_app_brand_user_name`]: 'gh_86a091e50ad4@app', [`${k}_app_brand_pass`]: 'pages/index/index' })
  }
  return req
}

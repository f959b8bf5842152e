// `npm run bench`: figures for the WeChat client and the money path, each beside a bare baseline on
// the same input, on a local stack in this process (on-disk data, CLOUD_DB_LATENCY_MS / WXEMU_LATENCY_MS
// injected for the action figures: 15 and 50 unless set). Prints a report; exits 0.
import { createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startStack, type Stack } from '../../emulator/stack'
import { bursts, perAction } from './actions'
import { buildCardExt, cardSignString } from '../../server/wechat/card-ext'
import { BasicsApi } from '../../server/wechat/basics'
import { createWechatClient } from '../../server/wechat/client'
import { parseEvent } from '../../server/wechat/events'
import { PushCrypto } from '../../server/wechat/push-crypto'
import { WxTransport } from '../../server/wechat/transport'
import { memoryStore } from '../helpers/store'
import { person, type Json } from '../helpers/stack'
import { fmt, opsPerSecond } from './stats'

const line = (label: string, value: string) => console.log(`  ${label.padEnd(58)} ${value}`)

async function tokenSingleFlight(stack: Stack) {
  console.log('\nToken single flight (1000 concurrent callers, 4 instances sharing one store, against the emulator)')
  const stats = async () => ((await (await fetch(`${stack.wechat.url}/__emu/stats`)).json()) as { tokenFetches: number }).tokenFetches
  const store = await memoryStore()
  const before = await stats()
  const instances = [1, 2, 3, 4].map(() => createWechatClient({ store, appid: stack.env.WX_SA_APPID!, secret: stack.env.WX_SA_SECRET!, apiBase: stack.wechat.url }))
  const t0 = performance.now()
  await Promise.all(Array.from({ length: 1000 }, (_, i) => instances[i % 4]!.accessToken.get()))
  const ours = (await stats()) - before
  line('shared credential: upstream fetches', `${ours} (${fmt(performance.now() - t0)} ms for all 1000)`)
  // Bare baseline: every caller fetches for itself, as a client without a shared cache does.
  const bare = new BasicsApi(new WxTransport({ apiBase: stack.wechat.url }))
  const b0 = await stats()
  await Promise.all(Array.from({ length: 1000 }, () => bare.token(stack.env.WX_SA_APPID!, stack.env.WX_SA_SECRET!)))
  line('bare (each caller fetches): upstream fetches', String((await stats()) - b0))
}

function cardExtSigning() {
  console.log('\ncard_ext signing (one card, fresh nonce and timestamp each time)')
  const ticket = randomBytes(32).toString('base64url')
  const ours = opsPerSecond(() => void buildCardExt({ apiTicket: ticket, cardId: 'pGiftCardBench0000000000000', outerStr: 'bench' }))
  const input = cardSignString({ apiTicket: ticket, cardId: 'pGiftCardBench0000000000000', timestamp: '1795000000', nonceStr: 'n'.repeat(32) })
  const bare = opsPerSecond(() => void createHash('sha1').update(input).digest('hex'))
  line('buildCardExt (nonce, sort, SHA1, JSON) per second', fmt(ours, 0))
  line('bare SHA1 of the same sorted string per second', fmt(bare, 0))
  line('ratio bare / ours', fmt(bare / ours, 2))
}

function pushPipeline(stack: Stack) {
  console.log('\nSafe-mode pushes: verify msg_signature + decrypt + parse, per second')
  const token = stack.env.WX_PUSH_TOKEN!
  const key = stack.env.WX_PUSH_AES_KEY!
  const appid = stack.env.WX_SA_APPID!
  const crypto = new PushCrypto({ token, encodingAesKey: key, appid, maxSkewSeconds: 10 ** 9 })
  const xml = `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oSA]]></FromUserName><CreateTime>1795000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_get_card]]></Event><CardId><![CDATA[pCard]]></CardId><IsGiveByFriend>0</IsGiveByFriend><UserCardCode><![CDATA[123456789012]]></UserCardCode><OuterStr><![CDATA[bench]]></OuterStr></xml>`
  const encrypt = crypto.encrypt(xml)
  const q = { timestamp: '1795000000', nonce: '12345', msg_signature: createHash('sha1').update([token, '1795000000', '12345', encrypt].sort().join('')).digest('hex') }
  const ours = opsPerSecond(() => {
    crypto.verifyMsg(q, encrypt)
    parseEvent(crypto.decrypt(encrypt))
  })
  const k = Buffer.from(`${key}=`, 'base64')
  const parser = new XMLParser()
  const bare = opsPerSecond(() => {
    createHash('sha1').update([token, '1795000000', '12345', encrypt].sort().join('')).digest('hex')
    const d = createDecipheriv('aes-256-cbc', k, k.subarray(0, 16))
    const plain = Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()])
    parser.parse(plain.subarray(20).toString())
  })
  line('ours (checks, appid, PKCS#7, typed event) per second', fmt(ours, 0))
  line('bare SHA1 + AES-256-CBC + XML parse per second', fmt(bare, 0))
  line('ratio bare / ours', fmt(bare / ours, 2))
}

async function main() {
  const t0 = Date.now()
  // The on-disk store, as `npm start` runs it, in a directory of its own.
  const dataDir = mkdtempSync(join(tmpdir(), 'wx-bench-'))
  const lat = { db: Number(process.env.CLOUD_DB_LATENCY_MS ?? 15), wx: Number(process.env.WXEMU_LATENCY_MS ?? 50) }
  const stack = await startStack({
    preview: false, timers: false, fresh: true,
    env: { DATA_DIR: dataDir, WXEMU_PORT: '0', CLOUD_PORT: '0', WXEMU_TOKEN_QUOTA: '100000', WXEMU_TICKET_QUOTA: '100000', WXEMU_PUSH_RETRY_MS: '50', CLOUD_DB_LATENCY_MS: '0', WXEMU_LATENCY_MS: '0' },
  })
  try {
    console.log(`bench on ${process.version}, ${(await import('node:os')).cpus().length} cores; local stack in this process, on-disk data in ${dataDir}`)
    const card100 = ((await person(stack, 'alice').fn('card', { action: 'shop' })).items as Json[]).find((i) => i.price === 10000)!.cardId
    // The action figures first: the token figure below leaves the emulator holding 1000 tokens.
    await perAction(stack, card100, lat)
    await bursts(stack, card100, lat)
    await tokenSingleFlight(stack)
    cardExtSigning()
    pushPipeline(stack)
  } finally {
    await stack.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  console.log(`\nbench done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

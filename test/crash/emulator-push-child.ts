// The child of the push-queue crash test: a WeChat emulator on a data directory whose push URL is down.
// It queues two gift-card events and one ordinary event; when each gift-card event has failed once (and
// waits out a long retry interval) and the ordinary one has used up its retries, it prints the push log
// and waits to be killed. It also writes one code, changed after it was added.
import { startWechatEmulator } from '../../emulator/wechat/emulator'
import { stackEnv } from '../helpers/cloud'

async function main() {
  const [dataDir, pushUrl] = process.argv.slice(2) as [string, string]
  const emu = await startWechatEmulator({
    port: 0,
    dataDir,
    saAppid: stackEnv.WX_SA_APPID!,
    saSecret: stackEnv.WX_SA_SECRET!,
    mpAppid: stackEnv.WX_MP_APPID!,
    ghId: 'gh_test',
    reviewSeconds: 0,
    quotas: { token: 100, ticket: 100 },
    cardExtWindowSeconds: 300,
    // A gift-card event is retried an hour after a failure here: only a restart can deliver it sooner.
    push: {
      url: pushUrl,
      token: 'tok',
      aesKey: stackEnv.WX_PUSH_AES_KEY!,
      mode: 'plain',
      timeoutMs: 500,
      ordinaryRetries: 3,
      giftcardAttempts: 30,
      giftcardIntervalMs: 3600_000,
    },
  })
  const p = emu.platform
  p.putCode({
    card_id: 'pKilledCard',
    code: '530000000001',
    status: 'NORMAL',
    openid: 'oBuyer',
    balance: 10000,
    bonus: 0,
    receivedAt: p.now(),
  })
  p.code('pKilledCard', '530000000001')!.balance = 4200
  p.push('giftcard_pay_done', { PageId: 'page1', OrderId: 'order1' }, 'oBuyer')
  p.push('giftcard_user_accept', { PageId: 'page1', OrderId: 'order1' }, 'oFriend')
  p.push('user_del_card', { CardId: 'pCard', UserCardCode: '123456789012' }, 'oBuyer')
  const settled = () => p.s.pushes.every((x) => (x.expect === 'giftcard' ? x.attempts.length === 1 : x.status === 'failed'))
  const wait = setInterval(() => {
    if (!settled()) return
    clearInterval(wait)
    // The next turn: the attempts just recorded have been written at the end of the turn that made them.
    setImmediate(() => process.stdout.write(`${JSON.stringify(p.s.pushes)}\n`))
    setInterval(() => undefined, 1000)
  }, 5)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

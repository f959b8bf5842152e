// wxpush: the Service Account's server URL, reached through HTTP access. GET answers WeChat's URL
// check; POST receives pushes: verified, applied within a budget and stored where needed (the rest by the cron),
// and acknowledged the way WeChat expects.
import { loadConfig } from '../../server/config'
import { processOnArrival } from '../../server/domain/events/event-processing'
import { receivePush } from '../../server/domain/events/push-receiver'
import { httpBody, isHttpEvent, reply, type HttpResponse } from '../../server/platform/http-access'
import { syncOptions } from '../../server/platform/settings'
import { instanceStore } from '../../server/platform/store'
import { instanceWechat } from '../../server/platform/wechat'
import { log } from '../../server/log'
import { answerPing, isPing, type PingReply } from '../../server/platform/ping'
import { callerIdentity } from '../../server/platform/wx-cloud'

/**
 * WeChat waits 5 s for an ordinary event's reply (reference README "Events"), and that 5 s also pays
 * for a cold start (an instance starting and loading this bundle with wx-server-sdk) and the network
 * before main runs. So main replies within 2 s of its start whatever happens: verifying the push comes
 * first, processing gets what is left, and the cron finishes what processing could not (the event is
 * stored before the reply then: event-processing.ts processOnArrival). cloudbaserc.json gives the function 5 s: answering later is useless.
 */
const REPLY_WITHIN_MS = 2000

export async function main(event: unknown): Promise<HttpResponse | PingReply> {
  const started = performance.now()
  // merchant.selfCheck asks which variables this function lacks (server/platform/ping.ts); HTTP
  // access never carries an action, so a push cannot reach this.
  if (isPing(event)) return answerPing('wxpush', callerIdentity())
  if (!isHttpEvent(event)) return reply(400, 'wxpush is reached through HTTP access only')
  try {
    const store = await instanceStore()
    const res = await receivePush(store, loadConfig(), {
      method: event.httpMethod.toUpperCase(),
      query: event.queryStringParameters ?? {},
      body: httpBody(event),
    })
    if (res.arrived) {
      const left = REPLY_WITHIN_MS - (performance.now() - started)
      await processOnArrival(store, instanceWechat(store), res.arrived, syncOptions(), left).catch((err) => {
        log('warn', { fn: 'wxpush', event: res.arrived!.event.Event, deferred: (err as Error).message })
      })
    }
    return reply(res.status, res.body, res.contentType)
  } catch (err) {
    log('error', { fn: 'wxpush', error: (err as Error)?.stack ?? String(err) })
    // Anything but the right reply makes WeChat push again later, which is what we want after a fault.
    return reply(500, 'internal error')
  }
}

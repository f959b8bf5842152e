// wxpush: the Service Account's server URL, reached through HTTP access. GET answers WeChat's URL
// check; POST receives event pushes.
import { receivePush } from '../../server/domain/push-receiver'
import { loadConfig } from '../../server/config'
import { httpBody, isHttpEvent, reply, type HttpResponse } from '../../server/platform/http-access'
import { instanceStore } from '../../server/platform/store'

export async function main(event: unknown): Promise<HttpResponse> {
  if (!isHttpEvent(event)) return reply(400, 'wxpush is reached through HTTP access only')
  try {
    const store = await instanceStore()
    const res = await receivePush(store, loadConfig(), {
      method: event.httpMethod.toUpperCase(),
      query: event.queryStringParameters ?? {},
      body: httpBody(event),
    })
    return reply(res.status, res.body, res.contentType)
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', fn: 'wxpush', error: (err as Error)?.stack ?? String(err) }))
    // Anything but the right reply makes WeChat push again later, which is what we want after a fault.
    return reply(500, 'internal error')
  }
}

// The Service Account client of this function instance, configured from its environment variables.
import { loadConfig } from '../config'
import type { Store } from '../store/port'
import { createWechatClient, type WechatClient } from '../wechat/client'

let client: WechatClient | undefined

export function instanceWechat(store: Store): WechatClient {
  if (!client) {
    const c = loadConfig()
    client = createWechatClient({ store, appid: c.saAppid, secret: c.saSecret, apiBase: c.apiBase, timeoutMs: c.apiTimeoutMs })
  }
  return client
}

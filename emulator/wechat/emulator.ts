// The WeChat platform emulator (local-stack.md "WeChat platform emulator"). This file holds the server
// and its control endpoints; the card platform's API families plug in as they are built.
import { join } from 'node:path'
import { close, HttpError, listen, readJson, sendJson, serve, type Route } from '../http'
import { identityOf, USER_NAME } from './identity'
import { StateFile, type EmuUser } from './state'

export interface WechatEmulatorOptions {
  port: number
  dataDir: string | null
  saAppid: string
  saSecret: string
  mpAppid: string
}

export interface WechatEmulator {
  url: string
  port: number
  users: Users
  stop(): Promise<void>
}

export class Users {
  constructor(private readonly state: StateFile, private readonly apps: { saAppid: string; mpAppid: string }) {}

  ensure(name: string): EmuUser {
    if (typeof name !== 'string' || !USER_NAME.test(name)) {
      throw new HttpError(400, 'name must be 1-32 characters: a lowercase letter, then letters, digits, _ or -')
    }
    let user = this.state.state.users[name]
    if (!user) {
      user = identityOf(name, this.apps)
      this.state.state.users[name] = user
      this.state.touch()
    }
    return user
  }

  get(name: string): EmuUser | undefined {
    return this.state.state.users[name]
  }

  all(): EmuUser[] {
    return Object.values(this.state.state.users)
  }
}

export async function startWechatEmulator(opts: WechatEmulatorOptions): Promise<WechatEmulator> {
  const state = StateFile.load(opts.dataDir ? join(opts.dataDir, 'wxemu', 'state.json') : null)
  const users = new Users(state, opts)
  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/__emu\/users$/,
      handler: async (req, res) => sendJson(res, 200, users.ensure((await readJson(req)).name as string)),
    },
    { method: 'GET', pattern: /^\/__emu\/users$/, handler: (_req, res) => sendJson(res, 200, { users: users.all() }) },
  ]
  const server = serve(routes)
  const port = await listen(server, opts.port)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    users,
    async stop() {
      await close(server)
      state.flush()
    },
  }
}

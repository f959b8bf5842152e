// The WeChat emulator's state, one JSON document persisted under the data directory. Writes are
// coalesced and flushed atomically (temp file + rename), and on stop.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface EmuUser {
  name: string
  mpOpenid: string
  saOpenid: string
  unionid: string
}

export interface EmuState {
  version: 1
  users: Record<string, EmuUser>
}

export function emptyState(): EmuState {
  return { version: 1, users: {} }
}

export class StateFile {
  private timer: NodeJS.Timeout | undefined

  constructor(readonly file: string | null, readonly state: EmuState) {}

  static load(file: string | null): StateFile {
    if (file && existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as EmuState
      if (parsed.version !== 1) throw new Error(`${file}: unknown emulator state version ${String(parsed.version)}`)
      return new StateFile(file, { ...emptyState(), ...parsed })
    }
    return new StateFile(file, emptyState())
  }

  /** Marks the state changed; it reaches disk within 100 ms or on flush(). */
  touch(): void {
    if (!this.file || this.timer) return
    this.timer = setTimeout(() => this.flush(), 100)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (!this.file) return
    mkdirSync(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.state))
    renameSync(tmp, this.file)
  }
}

// access_token and the wx_card api_ticket, kept in the cloud database so that every function instance
// shares one value (WeChat limits the fetches of each a day, the ticket's far below the token's).
//
// - A value is refreshed ahead of expiry (refreshAheadMs), by one caller at a time across instances:
//   the refresher takes a lease in the database with a conditional update, then re-checks (another
//   instance may have just refreshed) before fetching.
// - Within one instance, concurrent callers share one in-flight refresh, and the value is kept in memory
//   until its refresh-ahead point: the database is read only on a miss, after that point, or after
//   WeChat refused the value (invalidate).
// - While someone else holds the lease, callers keep using the current value if it has not expired yet,
//   and otherwise wait for the new one.
// - invalidate(v) expires the stored value only if it is still v: a 40001 seen after another instance
//   refreshed must not wipe the new token.
import { randomBytes } from 'node:crypto'
import { Collections } from '../store/collections'
import { DuplicateIdError, where, type BesideFind, type Store, type StoredDoc } from '../store/port'

export interface CredentialDoc extends StoredDoc {
  value: string
  /** ms since epoch; 0 when there is no usable value */
  expiresAt: number
  fetchedAt: number
  leaseOwner: string
  /** ms since epoch; the lease is free when this is in the past */
  leaseUntil: number
}

export interface Fetched {
  value: string
  /** seconds, as WeChat's expires_in */
  expiresIn: number
}

export interface CredentialOptions {
  refreshAheadMs?: number
  leaseMs?: number
  /** How long a caller waits for another instance's refresh before giving up. */
  waitMs?: number
  pollMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export class SharedCredential {
  private inflight: Promise<string> | undefined
  /** The value this instance last read or fetched: used without a database read until its refresh-ahead point. */
  private cached: CredentialDoc | undefined
  private readonly owner = randomBytes(8).toString('hex')
  private readonly refreshAheadMs: number
  private readonly leaseMs: number
  private readonly waitMs: number
  private readonly pollMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(
    private readonly store: Store,
    /** the document id, e.g. access_token:<appid> */
    readonly id: string,
    private readonly fetchUpstream: () => Promise<Fetched>,
    opts: CredentialOptions = {},
  ) {
    // Longer than the cron period (5 min), so the timer refreshes before any caller has to.
    this.refreshAheadMs = opts.refreshAheadMs ?? 10 * 60_000
    this.leaseMs = opts.leaseMs ?? 15_000
    this.waitMs = opts.waitMs ?? 20_000
    this.pollMs = opts.pollMs ?? 50
    this.now = opts.now ?? Date.now
    this.sleep = opts.sleep ?? defaultSleep
  }

  /** A valid value, refreshing it first if it is missing, expired or about to expire. */
  async get(): Promise<string> {
    if (this.cached && this.fresh(this.cached)) return this.cached.value
    const doc = await this.read()
    if (doc && this.fresh(doc)) return doc.value
    this.inflight ??= this.refresh().finally(() => (this.inflight = undefined))
    return this.inflight
  }

  /**
   * Whether this instance would read the stored value on its next get(): a hot path that reads the
   * database anyway reads the document beside its own (Store.getWith) and hands it over with offer(),
   * so that a new instance's first call costs no round trip a warm one skips (issue 27).
   */
  wantsRead(): boolean {
    return !(this.cached && this.fresh(this.cached))
  }

  /** The find that reads the stored document beside another (Store.getWith): hand what it found to offer(). */
  beside(): BesideFind {
    return { collection: Collections.credentials, filter: { _id: this.id }, options: { limit: 1 } }
  }

  /** The stored document as a caller has just read it (null: none), kept as get() would keep it. */
  offer(doc: StoredDoc | null | undefined): void {
    if (doc && this.fresh(doc as CredentialDoc)) this.cached = doc as CredentialDoc
  }

  /**
   * Fetches a new value unless one was fetched in the last `minAgeMs` (by any instance), for a value the
   * platform may have expired before its stated lifetime (WeChat's wx_card ticket: every card_ext signed with
   * it is then refused with "invalid signature" until it is fetched again). The condition on the value and its
   * fetch time makes concurrent renewals expire it once; the lease in get() makes one fetch.
   */
  async renew(minAgeMs: number): Promise<string> {
    this.cached = undefined
    const doc = await this.read()
    if (doc && doc.value !== '' && this.now() - doc.fetchedAt >= minAgeMs) {
      await this.store.updateIf(Collections.credentials, this.id, { value: doc.value, fetchedAt: doc.fetchedAt }, { expiresAt: 0 })
    }
    this.cached = undefined
    return this.get()
  }

  /** When the stored value was fetched from upstream (ms), or 0. */
  async fetchedAt(): Promise<number> {
    return (await this.read())?.fetchedAt ?? 0
  }

  /** Expires the stored value if it is still `failed`; true when it did. */
  async invalidate(failed: string): Promise<boolean> {
    if (this.cached?.value === failed) this.cached = undefined
    return this.store.updateIf(Collections.credentials, this.id, { value: failed, expiresAt: where.gt(0) }, { expiresAt: 0 })
  }

  /** When the stored value expires (ms), or 0. */
  async expiresAt(): Promise<number> {
    return (await this.read())?.expiresAt ?? 0
  }

  private async read(): Promise<CredentialDoc | null> {
    const doc = await this.store.get<CredentialDoc>(Collections.credentials, this.id)
    if (doc && this.fresh(doc)) this.cached = doc
    return doc
  }

  /**
   * Before its refresh-ahead point. WeChat answers a live wx_card ticket again, with the seconds it has left,
   * rather than a new one (and stable_token in normal mode does so until its last 5 minutes): a value fetched
   * inside the window would count as due at once, and every call would fetch it again (one getticket per
   * card_ext signed in the ticket's last 10 minutes). So a value is refreshed ahead by at most half the
   * lifetime it was fetched with: fetches in the window halve the time left, a handful until the value ends.
   */
  private fresh(doc: CredentialDoc): boolean {
    const ahead = Math.min(this.refreshAheadMs, (doc.expiresAt - doc.fetchedAt) / 2)
    return doc.value !== '' && doc.expiresAt - ahead > this.now()
  }

  private usable(doc: CredentialDoc): boolean {
    return doc.value !== '' && doc.expiresAt > this.now()
  }

  private async takeLease(): Promise<boolean> {
    const now = this.now()
    try {
      await this.store.insert<CredentialDoc>(Collections.credentials, {
        _id: this.id,
        value: '',
        expiresAt: 0,
        fetchedAt: 0,
        leaseOwner: this.owner,
        leaseUntil: now + this.leaseMs,
      })
      return true
    } catch (err) {
      if (!(err instanceof DuplicateIdError)) throw err
    }
    return this.store.updateIf(
      Collections.credentials,
      this.id,
      { leaseUntil: where.lt(now) },
      { leaseOwner: this.owner, leaseUntil: now + this.leaseMs },
    )
  }

  private async refresh(): Promise<string> {
    const deadline = this.now() + this.waitMs
    for (;;) {
      const doc = await this.read()
      if (doc && this.fresh(doc)) return doc.value
      if (await this.takeLease()) {
        try {
          // Re-check under the lease: another instance may have refreshed between our read and the lease.
          const again = await this.read()
          if (again && this.fresh(again)) return again.value
          const got = await this.fetchUpstream()
          const now = this.now()
          const stored = { value: got.value, expiresAt: now + got.expiresIn * 1000, fetchedAt: now, leaseUntil: 0 }
          await this.store.updateIf(Collections.credentials, this.id, { leaseOwner: this.owner }, stored)
          this.cached = { ...stored, _id: this.id, leaseOwner: this.owner }
          return got.value
        } finally {
          // Release the lease if this refresh still holds it (not after the successful write above).
          await this.store
            .updateIf(Collections.credentials, this.id, { leaseOwner: this.owner, leaseUntil: where.gt(0) }, { leaseUntil: 0 })
            .catch(() => false)
        }
      }
      // Someone else is refreshing: the current value still works until it expires.
      if (doc && this.usable(doc)) return doc.value
      if (this.now() > deadline) throw new Error(`${this.id}: gave up waiting for another instance to refresh it`)
      await this.sleep(this.pollMs)
    }
  }
}

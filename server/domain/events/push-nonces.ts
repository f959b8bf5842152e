// Push signatures seen: each signed (timestamp, nonce) is accepted for one body only, so a signature
// copied from one push cannot carry another body. Kept apart from the receiver so that the cron can prune
// the records without loading the XML parser.
import { createHash } from 'node:crypto'
import { Collections } from '../../store/collections'
import { DuplicateIdError, where, type Store } from '../../store/port'
import { clock } from '../../clock'

export interface PushNonceDoc {
  /** `<timestamp>:<nonce>` of the signed query */
  _id: string
  bodyHash: string
  at: number
}

export async function checkReplay(
  store: Store,
  req: { query: Record<string, string>; body: string },
  now: number,
): Promise<string | undefined> {
  const bodyHash = createHash('sha256').update(req.body).digest('hex')
  const _id = `${req.query.timestamp ?? ''}:${req.query.nonce ?? ''}`
  try {
    await store.insert<PushNonceDoc>(Collections.pushNonces, { _id, bodyHash, at: now })
    return undefined
  } catch (err) {
    if (!(err instanceof DuplicateIdError)) throw err
  }
  const seen = await store.get<PushNonceDoc>(Collections.pushNonces, _id)
  return seen?.bodyHash === bodyHash ? undefined : 'timestamp and nonce were already used for another body'
}

/** The cron: signatures older than the 5-minute window can no longer be replayed, so their records go. */
export async function prunePushNonces(store: Store, now = clock.now()): Promise<{ pruned: number }> {
  const old = await store.find<PushNonceDoc>(Collections.pushNonces, { at: where.lt(now - 3600_000) }, { limit: 500 })
  await Promise.all(old.map((d) => store.remove(Collections.pushNonces, d._id)))
  return { pruned: old.length }
}

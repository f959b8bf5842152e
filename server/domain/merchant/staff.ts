// Merchant roles. Admins run the whole business; staff (counter cashiers) may only check and redeem
// codes. The openids in MERCHANT_ADMIN_OPENIDS are the owners: always admins, never removable from the
// console (so a merchant cannot lock themself out); everyone else gets a role from an admin through
// `merchant.staffSet`, kept in the `staff` collection.
import { ownerOpenids } from '../../config'
import { AppError, ErrCode, invalid } from '../../errors'
import { Collections } from '../../store/collections'
import type { Store, StoredDoc } from '../../store/port'
import { clock } from '../../clock'
import { namesOf, personIdOf } from '../cards/people'

export const MERCHANT_ROLES = ['admin', 'staff'] as const
export type MerchantRole = (typeof MERCHANT_ROLES)[number]

export interface StaffDoc extends StoredDoc {
  /** the member's Mini Program openid */
  _id: string
  role: MerchantRole
  /** the admin who granted it, and when (ms) */
  grantedBy: string
  grantedAt: number
}

/** The owners: read without loadConfig, so roles are known to a function missing its other settings. */
function configuredAdmins(env: NodeJS.ProcessEnv): string[] {
  return ownerOpenids(env)
}

/**
 * Refuses (1004) anyone but an owner (MERCHANT_ADMIN_OPENIDS). Read without loadConfig, so that an
 * owner still gets in to a function missing its other settings (merchant.selfCheck says which).
 */
/** Whether the caller is an owner (MERCHANT_ADMIN_OPENIDS). */
export function isOwner(openid: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!openid && ownerOpenids(env).includes(openid)
}

export function requireOwner(openid: string | undefined, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if (openid && isOwner(openid, env)) return openid
  throw new AppError(ErrCode.FORBIDDEN, `${what} is only for the merchant's owners (MERCHANT_ADMIN_OPENIDS)`)
}

/** The caller's merchant role, or null for a consumer. */
export async function roleOf(store: Store, openid: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<MerchantRole | null> {
  if (!openid) return null
  if (configuredAdmins(env).includes(openid)) return 'admin'
  const doc = await store.get<StaffDoc>(Collections.staff, openid)
  return doc && (MERCHANT_ROLES as readonly string[]).includes(doc.role) ? doc.role : null
}

/** Refuses (1004) a caller whose role is not among `allowed`; answers the caller's role. */
export async function requireRole(
  store: Store,
  openid: string | undefined,
  allowed: readonly MerchantRole[],
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MerchantRole> {
  const role = await roleOf(store, openid, env)
  if (role && allowed.includes(role)) return role
  throw new AppError(
    ErrCode.FORBIDDEN,
    role
      ? `${what} is for ${allowed.join(' or ')}; this caller is ${role}`
      : `${what} is only for the merchant's ${allowed.join(' or ')} (owners in MERCHANT_ADMIN_OPENIDS, others granted by merchant.staffSet)`,
    { role },
  )
}

/**
 * Grants, changes or (role null) removes a member's role. Configured admins cannot be changed here. The
 * answer names nobody: the console shows people by name (listStaff), the CLI knows whom it asked about.
 */
export async function setStaff(
  store: Store,
  by: string,
  openid: string,
  role: MerchantRole | null,
  env: NodeJS.ProcessEnv = process.env,
  now = clock.now(),
): Promise<{ role: MerchantRole | null; changed: boolean }> {
  if (configuredAdmins(env).includes(openid))
    throw invalid('openid', 'is an owner from MERCHANT_ADMIN_OPENIDS; change that setting instead')
  if (role === null) return { role: null, changed: await store.remove(Collections.staff, openid) }
  const before = await store.get<StaffDoc>(Collections.staff, openid)
  if (before?.role === role) return { role, changed: false }
  await store.set<StaffDoc>(Collections.staff, { _id: openid, role, grantedBy: by, grantedAt: now })
  return { role, changed: true }
}

const granted = (store: Store) =>
  store.find<StaffDoc>(Collections.staff, {}, { orderBy: { field: 'grantedAt', direction: 'asc' }, limit: 1000 })

/**
 * The openid of the granted member the console names by `personId` (people.ts personIdOf). An owner's
 * is refused as the openid of an owner is; one nobody holds is 1005.
 */
export async function staffOpenidOf(store: Store, personId: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (configuredAdmins(env).some((o) => personIdOf(o) === personId))
    throw invalid('personId', 'is an owner from MERCHANT_ADMIN_OPENIDS; change that setting instead')
  const doc = (await granted(store)).find((d) => personIdOf(d._id) === personId)
  if (!doc) throw new AppError(ErrCode.NOT_FOUND, `personId: nobody on the staff list is ${personId}`)
  return doc._id
}

/** Owners, then everyone granted a role, oldest first: each by name (people.ts), never by openid. */
export async function listStaff(store: Store, env: NodeJS.ProcessEnv = process.env) {
  const docs = await granted(store)
  const owners = configuredAdmins(env)
  const nameOf = await namesOf(store, [...owners, ...docs.flatMap((d) => [d._id, d.grantedBy])])
  return {
    staff: [
      ...owners.map((openid) => ({ personId: personIdOf(openid), name: nameOf(openid), role: 'admin' as MerchantRole, owner: true })),
      ...docs.map((d) => ({
        personId: personIdOf(d._id),
        name: nameOf(d._id),
        role: d.role,
        owner: false,
        grantedBy: nameOf(d.grantedBy),
        grantedAt: d.grantedAt,
      })),
    ],
  }
}

// Staff invites (issue 28): an owner makes an invite in the console, shown as a QR code of the Mini
// Program path that accepts it; whoever opens it first within 10 minutes becomes staff (or admin).
// An invite moves once, OPEN → USED, by one conditional update that also requires it unexpired: two
// people accepting at once cannot both win. The role is granted after the invite is taken, so a call
// that dies between the two is finished by the same person opening the invite again.
import { randomBytes } from 'node:crypto'
import { AppError, ErrCode } from '../../errors'
import { Collections } from '../../store/collections'
import { where, type Store, type StoredDoc } from '../../store/port'
import { isOwner, roleOf, setStaff, type MerchantRole } from './staff'
import { clock } from '../../clock'

/** How long an invite can be accepted: 10 minutes (issue 28). */
export const INVITE_TTL_MS = 10 * 60_000
/** The page that accepts an invite (src/merchant/pages/join): what the console's QR code opens. */
export const INVITE_PAGE = '/merchant/pages/join/index'

export interface StaffInviteDoc extends StoredDoc {
  role: MerchantRole
  status: 'OPEN' | 'USED'
  /** the owner who made it */
  createdBy: string
  createdAt: number
  expiresAt: number
  usedBy?: string
  usedAt?: number
}

/** The Mini Program path an invite's QR code carries. */
export const invitePath = (inviteId: string) => `${INVITE_PAGE}?invite=${inviteId}`

export async function createInvite(store: Store, by: string, role: MerchantRole, now = clock.now()) {
  // 16 characters of URL-safe base64 (96 random bits): card.staffAccept's schema (contract/actions/card.ts) takes that shape.
  const inviteId = randomBytes(12).toString('base64url')
  const doc: StaffInviteDoc = { _id: inviteId, role, status: 'OPEN', createdBy: by, createdAt: now, expiresAt: now + INVITE_TTL_MS }
  await store.insert(Collections.staffInvites, doc)
  return { inviteId, role, expiresAt: doc.expiresAt, qr: invitePath(inviteId) }
}

const refused = (errcode: typeof ErrCode.NOT_FOUND | typeof ErrCode.CONFLICT, reason: string, message: string) =>
  new AppError(errcode, message, { reason })

/**
 * Takes the invite for `openid` and grants its role. Answers the role, and `changed: false` when the same
 * person opens an invite they already took (a retry). Refusals carry `reason`: INVITE_NOT_FOUND (1005),
 * INVITE_USED, INVITE_EXPIRED, INVITE_OWNER (an owner needs no invite), INVITE_ALREADY_ADMIN (1006).
 */
export async function acceptInvite(store: Store, openid: string, inviteId: string, now = clock.now()) {
  const invite = await store.get<StaffInviteDoc>(Collections.staffInvites, inviteId)
  if (!invite) throw refused(ErrCode.NOT_FOUND, 'INVITE_NOT_FOUND', `inviteId: no invite ${inviteId}`)
  const grant = async (changed: boolean) => {
    await setStaff(store, invite.createdBy, openid, invite.role, process.env, now)
    return { role: invite.role, changed }
  }
  if (invite.status === 'USED' && invite.usedBy === openid) return grant(false)
  if (invite.status === 'USED') throw refused(ErrCode.CONFLICT, 'INVITE_USED', 'the invite was already accepted by someone else')
  if (invite.expiresAt <= now) throw refused(ErrCode.CONFLICT, 'INVITE_EXPIRED', 'the invite has expired (10 minutes)')
  // Nothing is taken from an invite its opener does not need: an owner, or an admin offered less.
  if (isOwner(openid)) throw refused(ErrCode.CONFLICT, 'INVITE_OWNER', 'an owner (MERCHANT_ADMIN_OPENIDS) needs no invite')
  if (invite.role === 'staff' && (await roleOf(store, openid)) === 'admin')
    throw refused(ErrCode.CONFLICT, 'INVITE_ALREADY_ADMIN', 'the caller is already an admin')
  const taken = await store.updateIf(
    Collections.staffInvites,
    inviteId,
    { status: 'OPEN', expiresAt: where.gt(now) },
    { status: 'USED', usedBy: openid, usedAt: now },
  )
  if (taken) return grant(true)
  // Someone got there first (or the invite expired this instant): say which.
  const now2 = await store.get<StaffInviteDoc>(Collections.staffInvites, inviteId)
  if (now2?.status === 'USED' && now2.usedBy === openid) return grant(false)
  if (now2?.status === 'USED') throw refused(ErrCode.CONFLICT, 'INVITE_USED', 'the invite was already accepted by someone else')
  throw refused(ErrCode.CONFLICT, 'INVITE_EXPIRED', 'the invite has expired (10 minutes)')
}

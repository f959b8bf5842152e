// Staff invites (issue 28): an owner makes an invite in the console, shown as its Mini Program code
// (wxacode.getUnlimited, scene = the invite; WeChat's 扫一扫 opens it in the Mini Program) or, failing
// that, a QR code of the Mini Program path that accepts it; whoever opens it first within 10 minutes becomes staff (or admin).
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

/**
 * The same page as wxacode.getUnlimited takes it: no leading slash, no parameters (the invite goes in
 * `scene`, which the join page reads from its launch options).
 */
export const INVITE_CODE_PAGE = INVITE_PAGE.slice(1)

const ENV_VERSIONS = ['release', 'trial', 'develop'] as const
type EnvVersion = (typeof ENV_VERSIONS)[number]

/**
 * Which version of the Mini Program an invite's code opens (WXACODE_ENV_VERSION): release (WeChat's
 * default, the published version), trial (体验版) or develop (开发版); undefined when set to anything else.
 */
export function wxacodeEnvVersion(env: NodeJS.ProcessEnv = process.env): EnvVersion | undefined {
  const v = env.WXACODE_ENV_VERSION || 'release'
  return (ENV_VERSIONS as readonly string[]).includes(v) ? (v as EnvVersion) : undefined
}

/** What makes a Mini Program code: 云调用 wxacode.getUnlimited (server/platform/wx-cloud.ts). */
export type GetUnlimited = (req: {
  scene: string
  page: string
  check_path: boolean
  env_version: EnvVersion
}) => Promise<{ buffer: Buffer; contentType: string }>

/**
 * The invite's Mini Program code (小程序码), which WeChat's 扫一扫 opens in the Mini Program (a plain QR of
 * the path is only text to it): scene = the invite id (16 characters of A-Za-z0-9_-, within getUnlimited's
 * 32 and its character set), page = the join page, check_path false (the page need not be published yet:
 * a trial or develop build). `wxacode` is the image as a data URL; when WeChat refuses, `wxacodeError`
 * says why (its errCode and errMsg) and the invite stands without it: the path (`qr`) still works from
 * inside the Mini Program.
 */
export async function inviteCode(
  inviteId: string,
  getUnlimited: GetUnlimited,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ wxacode?: string; wxacodeError?: string }> {
  const envVersion = wxacodeEnvVersion(env)
  if (!envVersion)
    return { wxacodeError: `WXACODE_ENV_VERSION must be one of ${ENV_VERSIONS.join(', ')}, is ${String(env.WXACODE_ENV_VERSION)}` }
  try {
    const r = await getUnlimited({ scene: inviteId, page: INVITE_CODE_PAGE, check_path: false, env_version: envVersion })
    const type = /^image\/[a-z]+/.exec(r.contentType ?? '')?.[0] ?? 'image/png'
    return { wxacode: `data:${type};base64,${Buffer.from(r.buffer).toString('base64')}` }
  } catch (err) {
    const e = err as { errCode?: unknown; errMsg?: unknown; message?: unknown }
    return { wxacodeError: `wxacode.getUnlimited: ${String(e?.errCode ?? '')} ${String(e?.errMsg ?? e?.message ?? err)}`.trim() }
  }
}

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

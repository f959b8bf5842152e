// Emulated people. Each has one openid per app (Service Account and Mini Program differ, as on the real
// platform) and one unionid, all derived from the app and the name so that they are stable across
// fresh starts and can be named in configuration (MERCHANT_ADMIN_OPENIDS).
import { createHash } from 'node:crypto'
import type { EmuUser } from './state'

function derive(kind: string, scope: string, name: string): string {
  // Real openids are 28 characters from the URL-safe base64 alphabet, starting with 'o'.
  const digest = createHash('sha256').update(`${kind}\0${scope}\0${name}`).digest('base64url')
  return `o${digest.slice(0, 27)}`
}

export function identityOf(name: string, apps: { saAppid: string; mpAppid: string }): EmuUser {
  return {
    name,
    saOpenid: derive('openid', apps.saAppid, name),
    mpOpenid: derive('openid', apps.mpAppid, name),
    // One Open Platform account binds both apps; its id is the scope of the unionid.
    unionid: derive('unionid', `${apps.saAppid}+${apps.mpAppid}`, name),
  }
}

/**
 * The gender on a person's WeChat profile, which card/membercard/userinfo/get answers as "sex" ("sex |
 * User gender", member-card-management line 53; the example's "sex": "MALE", line 30): stable per name.
 */
export function profileSex(name: string): 'MALE' | 'FEMALE' {
  return createHash('sha256').update(`sex\0${name}`).digest()[0]! % 2 === 0 ? 'MALE' : 'FEMALE'
}

export const USER_NAME = /^[a-z][a-z0-9_-]{0,31}$/

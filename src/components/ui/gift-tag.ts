import type { Gift } from '../../services/types'

/** The tag colour of each gift status: waiting stands out, done is calm. */
export const GIFT_TAG: Record<Gift['status'], 'warning' | 'success' | 'default'> = {
  PENDING: 'warning',
  CLAIMED: 'success',
  RETURNED: 'default',
}

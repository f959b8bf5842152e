import { Text, View } from '@tarojs/components'
import { RETIRED_COUPONS_NOTICE } from '../../../contract/coupon-notice'
import { t } from '../../strings'

/**
 * What WeChat retired (45103), said where a merchant creates an ordinary coupon or buys 券点. A component
 * of its own: a page module is a page entry in the Mini Program build, and another page importing from it
 * gets undefined (the coins page crashed at launch with React error #130).
 */
export function RetiredNotice({ text = RETIRED_COUPONS_NOTICE }: { text?: string }) {
  return (
    <View className='retired-notice' id='retired-notice'>
      <View className='section-title'>{t.console.coupon.noticeTitle}</View>
      <Text>{text}</Text>
    </View>
  )
}

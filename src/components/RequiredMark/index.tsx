import { Text } from '@tarojs/components'
import { t } from '../../strings'

/** Marks a required field on its label before anything is submitted (issue 28): a small red 必填. */
export function RequiredMark() {
  return <Text className='required-mark'>{t.common.required}</Text>
}

import { Input, Text, Textarea, View } from '@tarojs/components'
import { DateInput } from '../../components/DateInput'
import { RequiredMark } from '../../components/RequiredMark'
import { t } from '../../strings'

/**
 * One labelled input (or, `multiline`, a text area; `type='date'`, a date picker, never typed) with its
 * error (or warning) under it, shown as the merchant types. `required` marks the label 必填 before the
 * merchant submits (issue 28).
 */
export function Field({
  id,
  label,
  value,
  onInput,
  error,
  warning,
  placeholder,
  type,
  required,
  multiline,
}: {
  id: string
  label: string
  value: string
  onInput: (v: string) => void
  error?: string
  warning?: string
  placeholder?: string
  type?: 'text' | 'digit' | 'date'
  required?: boolean
  multiline?: boolean
}) {
  return (
    <View className={`field${error ? ' field-error' : ''}`} id={`field-${id}`}>
      <Text className='field-label'>
        {label}
        {required ? <RequiredMark /> : null}
      </Text>
      {multiline ? (
        <Textarea className='input textarea' value={value} onInput={(e) => onInput(e.detail.value)} />
      ) : type === 'date' ? (
        <DateInput value={value} onChange={onInput} placeholder={placeholder ?? t.common.chooseDate} />
      ) : (
        <Input className='input' value={value} type={type ?? 'text'} placeholder={placeholder} onInput={(e) => onInput(e.detail.value)} />
      )}
      {error ? <Text className='error field-msg'>{error}</Text> : warning ? <Text className='warn field-msg'>{warning}</Text> : null}
    </View>
  )
}

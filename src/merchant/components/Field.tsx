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
      {/* WeChat's input and textarea stop at 140 characters unless told otherwise (maxlength, default 140):
          the form's own rules say what is too long, in words, instead of cutting text silently. */}
      {multiline ? (
        <Textarea className='input textarea' value={value} maxlength={-1} onInput={(e) => onInput(e.detail.value)} />
      ) : type === 'date' ? (
        <DateInput value={value} onChange={onInput} placeholder={placeholder ?? t.common.chooseDate} />
      ) : (
        <Input
          className='input'
          value={value}
          type={type ?? 'text'}
          maxlength={-1}
          placeholder={placeholder}
          onInput={(e) => onInput(e.detail.value)}
        />
      )}
      {error ? <Text className='error field-msg'>{error}</Text> : warning ? <Text className='warn field-msg'>{warning}</Text> : null}
    </View>
  )
}

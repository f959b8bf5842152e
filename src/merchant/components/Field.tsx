import { Input, Text, Textarea, View } from '@tarojs/components'

/**
 * One labelled input (or, `multiline`, a text area) with its error (or warning) under it, shown as the
 * merchant types. `required` marks the label before the merchant submits (issue 28).
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
  type?: 'text' | 'digit'
  required?: boolean
  multiline?: boolean
}) {
  return (
    <View className={`field${error ? ' field-error' : ''}`} id={`field-${id}`}>
      <Text className='field-label'>
        {label}
        {required ? <Text className='required-mark'> *</Text> : null}
      </Text>
      {multiline ? (
        <Textarea className='input textarea' value={value} onInput={(e) => onInput(e.detail.value)} />
      ) : (
        <Input className='input' value={value} type={type ?? 'text'} placeholder={placeholder} onInput={(e) => onInput(e.detail.value)} />
      )}
      {error ? <Text className='error field-msg'>{error}</Text> : warning ? <Text className='warn field-msg'>{warning}</Text> : null}
    </View>
  )
}

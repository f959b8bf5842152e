import { Input, Text, View } from '@tarojs/components'

/** One labelled input with its error (or warning) under it, shown as the merchant types. */
export function Field({ id, label, value, onInput, error, warning, placeholder, type }: { id: string; label: string; value: string; onInput: (v: string) => void; error?: string; warning?: string; placeholder?: string; type?: 'text' | 'digit' }) {
  return (
    <View className={`field${error ? ' field-error' : ''}`} id={`field-${id}`}>
      <Text className='field-label'>{label}</Text>
      <Input className='input' value={value} type={type ?? 'text'} placeholder={placeholder} onInput={(e) => onInput(e.detail.value)} />
      {error ? <Text className='error field-msg'>{error}</Text> : warning ? <Text className='warn field-msg'>{warning}</Text> : null}
    </View>
  )
}

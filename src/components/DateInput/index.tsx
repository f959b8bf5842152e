import { Picker, View } from '@tarojs/components'

/**
 * A date chosen from the platform's date picker, never typed (issue 28): WeChat's own picker in the Mini
 * Program (`picker` mode="date", value "YYYY-MM-DD"), Taro's in the H5 build. Shows the date, or the
 * placeholder until one is chosen; `opensAt` is where an empty picker opens (a birthday: not today).
 */
export function DateInput({
  id,
  value,
  onChange,
  placeholder,
  start,
  end,
  opensAt,
  className,
}: {
  id?: string
  value: string
  onChange: (date: string) => void
  placeholder?: string
  /** the earliest and latest dates offered, YYYY-MM-DD */
  start?: string
  end?: string
  opensAt?: string
  className?: string
}) {
  return (
    <Picker mode='date' value={value || opensAt || ''} start={start} end={end} onChange={(e) => onChange(String(e.detail.value))}>
      <View className={`${className ?? 'input'} date-input${value ? '' : ' date-input-empty'}`} id={id}>
        {value || placeholder}
      </View>
    </Picker>
  )
}

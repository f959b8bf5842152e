import { Image, Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'

/**
 * A card as it looks in the card bag: the chosen face (from the emulated or real WeChat CDN), the title
 * and an amount over it. Without a face, the brand gradient.
 */
export function CardFace({
  face,
  title,
  amount,
  badge,
  small,
  children,
}: {
  face?: string
  title: string
  amount?: string
  badge?: ReactNode
  small?: boolean
  children?: ReactNode
}) {
  return (
    <View className={`card-face ${small ? 'card-face-small' : ''}`}>
      {face && <Image className='card-face-img' src={face} mode='aspectFill' />}
      <View className='card-face-shade' />
      <View className='card-face-top'>
        <Text className='card-face-title'>{title}</Text>
        {badge}
      </View>
      {amount && <Text className='card-face-amount'>{amount}</Text>}
      {children}
    </View>
  )
}

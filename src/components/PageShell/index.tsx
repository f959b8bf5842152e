import { View } from '@tarojs/components'
import type { ReactNode } from 'react'
import { goBack, hasPreviousPage } from '../../services/page'
import { IconLeft, NavBar } from '../ui'

/**
 * A page: in WeChat the native navigation bar shows the title (index.config.ts); the H5 preview has
 * none, so the page draws NutUI's NavBar with the title and a way back.
 */
export function PageShell({ title, children, className = '' }: { title: string; children: ReactNode; className?: string }) {
  return (
    <View className={`page ${className}`}>
      {process.env.TARO_ENV === 'h5' && (
        <NavBar
          className='h5-navbar'
          title={title}
          back={hasPreviousPage() ? <IconLeft size={16} /> : undefined}
          onBackClick={() => void goBack()}
        />
      )}
      <View className='page-body'>{children}</View>
    </View>
  )
}

/** An aside under a section title. */
export function Section({ title, extra, children, id }: { title?: string; extra?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <View className='section' id={id}>
      {(title || extra) && (
        <View className='section-head'>
          <View className='section-title'>{title}</View>
          {extra}
        </View>
      )}
      {children}
    </View>
  )
}

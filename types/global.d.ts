/// <reference types="@tarojs/taro" />

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5'
    /** The Cloud Development environment id the Mini Program calls; not a secret. */
    TARO_APP_CLOUD_ENV?: string
  }
}

/** One icon of @nutui/icons-react-taro, imported by its own module so that only the icons used are bundled. */
declare module '@nutui/icons-react-taro/dist/es/icons/*.js' {
  import type { FunctionComponent } from 'react'
  const Icon: FunctionComponent<{
    size?: string | number
    color?: string
    width?: string | number
    height?: string | number
    className?: string
    onClick?: () => void
  }>
  export default Icon
}

/** jsbarcode's Code 128 encoder alone (its renderers need a canvas or a DOM). */
declare module 'jsbarcode/bin/barcodes/CODE128/index.js' {
  export class CODE128 {
    constructor(text: string, options: Record<string, unknown>)
    valid(): boolean
    encode(): { data: string; text: string }
  }
}

/** uCharts ships plain JS (ESM default export); only the constructor is used (src/merchant/components/SalesChart). */
declare module '@qiun/ucharts' {
  export default class uCharts {
    constructor(opts: Record<string, unknown>)
  }
}

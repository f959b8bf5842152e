/// <reference types="@tarojs/taro" />

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV?: 'weapp' | 'h5'
    /** The Cloud Development environment id the Mini Program calls; not a secret. */
    TARO_APP_CLOUD_ENV?: string
  }
}

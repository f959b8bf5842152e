// The Cloud Development environment a build inlines into the Mini Program (config/index.ts).
/**
 * The Cloud Development environment the Mini Program calls. A weapp build without one stops: wx.cloud.init's
 * `env` is "必填，环境 ID" (wxcloud reference-sdk-api/init/client.init), and the fallbacks are unsafe — the
 * `DYNAMIC_CURRENT_ENV` constant is documented for cloud functions, and WeChat's default environment is
 * whichever was created first, often a test one, where the functions would be missing or stale. The H5
 * preview talks to the local stack and needs none.
 */
export function cloudEnv(vars: Record<string, string | undefined>): string {
  const env = vars.TARO_APP_CLOUD_ENV ?? ''
  if (vars.TARO_ENV === 'weapp' && !/^[A-Za-z0-9_-]+$/.test(env)) {
    throw new Error(
      `TARO_APP_CLOUD_ENV must name the Cloud Development environment for the weapp build (got ${JSON.stringify(env)}): ` +
        'set it in the shell (TARO_APP_CLOUD_ENV=prod-1a2b npm run build:weapp) or in .env / .env.production (README, "Open it in WeChat DevTools").',
    )
  }
  return env
}

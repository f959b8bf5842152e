export default definePageConfig({ navigationBarTitleText: '选购礼品卡' })

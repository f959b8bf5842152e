export default definePageConfig({ navigationBarTitleText: '激活会员卡' })

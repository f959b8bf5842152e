export default definePageConfig({ navigationBarTitleText: '新建会员卡' })

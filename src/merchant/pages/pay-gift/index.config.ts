export default definePageConfig({ navigationBarTitleText: '买单送会员卡' })

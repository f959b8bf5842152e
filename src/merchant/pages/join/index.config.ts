export default definePageConfig({ navigationBarTitleText: '加入商户员工' })

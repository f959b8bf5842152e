export default definePageConfig({ navigationBarTitleText: 'Gift card shop' })

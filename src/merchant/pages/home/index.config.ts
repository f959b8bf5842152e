export default definePageConfig({ navigationBarTitleText: 'Merchant' })

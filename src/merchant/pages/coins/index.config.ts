export default definePageConfig({ navigationBarTitleText: '券点' })

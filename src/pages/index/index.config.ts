export default definePageConfig({ navigationBarTitleText: 'My gift cards', enablePullDownRefresh: true })

export default definePageConfig({ navigationBarTitleText: '买单', enablePullDownRefresh: true })

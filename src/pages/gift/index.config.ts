export default definePageConfig({ navigationBarTitleText: '送出礼物', enableShareAppMessage: true })

export default definePageConfig({ navigationBarTitleText: '领取礼物', enableShareAppMessage: true })

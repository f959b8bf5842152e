export default defineAppConfig({
  pages: ['pages/index/index', 'pages/shop/index', 'pages/checkout/index', 'pages/card/index', 'pages/order/index'],
  subPackages: [{ root: 'merchant', pages: ['pages/home/index'] }],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#b8322a',
    navigationBarTitleText: 'Gift cards',
    navigationBarTextStyle: 'white',
  },
  tabBar: {
    color: '#666666',
    selectedColor: '#b8322a',
    list: [
      { pagePath: 'pages/index/index', text: 'My cards' },
      { pagePath: 'pages/shop/index', text: 'Shop' },
      { pagePath: 'pages/checkout/index', text: 'Checkout' },
    ],
  },
})

export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/shop/index',
    'pages/checkout/index',
    'pages/card/index',
    'pages/order/index',
    'pages/gift/index',
    'pages/claim/index',
    'pages/gifts/index',
    'pages/coupons/index',
  ],
  subPackages: [
    {
      root: 'merchant',
      pages: [
        'pages/home/index',
        'pages/noaccess/index',
        'pages/cards/index',
        'pages/card-edit/index',
        'pages/shelves/index',
        'pages/orders/index',
        'pages/circulation/index',
        'pages/staff/index',
        'pages/audit/index',
        'pages/redeem/index',
        'pages/coupons/index',
        'pages/coupon-edit/index',
        'pages/coins/index',
        'pages/member-card-edit/index',
        'pages/pay-gift/index',
        // issue 28: the page a staff invite's QR code opens (any caller; not behind the Gate)
        'pages/join/index',
      ],
    },
    // member cards (#13)
    { root: 'member', pages: ['pages/index/index', 'pages/activate/index', 'pages/recharge/index'] },
  ],
  // Only the shop may be indexed by WeChat's search (src/sitemap.json says why).
  sitemapLocation: 'sitemap.json',
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: '#f5f3f0',
    navigationBarBackgroundColor: '#b8322a',
    navigationBarTitleText: '礼品卡',
    navigationBarTextStyle: 'white',
  },
  tabBar: {
    color: '#8a8a8a',
    selectedColor: '#b8322a',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/index/index', text: '我的卡', iconPath: 'assets/tab/cards.png', selectedIconPath: 'assets/tab/cards-on.png' },
      { pagePath: 'pages/shop/index', text: '选购', iconPath: 'assets/tab/gift.png', selectedIconPath: 'assets/tab/gift-on.png' },
      { pagePath: 'pages/checkout/index', text: '买单', iconPath: 'assets/tab/pay.png', selectedIconPath: 'assets/tab/pay-on.png' },
    ],
  },
})

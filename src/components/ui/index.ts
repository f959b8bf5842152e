// The component library the pages use: NutUI React for Taro (JD's, maintained, renders the same in
// weapp and H5). Each component is imported from its own module with only its own CSS, so the main
// package carries what the pages use and not the whole library (npm run size measures it); the
// icons likewise, one module per icon. Brand colours are set through NutUI's CSS variables in app.css.
import '@nutui/icons-react-taro/dist/style_icon.css'
import '@nutui/nutui-react-taro/dist/es/packages/button/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/overlay/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/empty/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/skeleton/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/tag/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/textarea/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/inputnumber/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/navbar/style/style.css'
import '@nutui/nutui-react-taro/dist/es/packages/toast/style/style.css'

export { default as Button } from '@nutui/nutui-react-taro/dist/es/packages/button/index'
export { default as Dialog } from '@nutui/nutui-react-taro/dist/es/packages/dialog/index'
export { default as Empty } from '@nutui/nutui-react-taro/dist/es/packages/empty/index'
export { default as Skeleton } from '@nutui/nutui-react-taro/dist/es/packages/skeleton/index'
export { default as Tag } from '@nutui/nutui-react-taro/dist/es/packages/tag/index'
export { default as TextArea } from '@nutui/nutui-react-taro/dist/es/packages/textarea/index'
export { default as InputNumber } from '@nutui/nutui-react-taro/dist/es/packages/inputnumber/index'
export { default as NavBar } from '@nutui/nutui-react-taro/dist/es/packages/navbar/index'
export { default as Toast } from '@nutui/nutui-react-taro/dist/es/packages/toast/index'

export { default as IconGift } from '@nutui/icons-react-taro/dist/es/icons/Gift.js'
export { default as IconLeft } from '@nutui/icons-react-taro/dist/es/icons/ArrowLeft.js'
export { default as IconRight } from '@nutui/icons-react-taro/dist/es/icons/ArrowRight.js'
export { default as IconRefresh } from '@nutui/icons-react-taro/dist/es/icons/Refresh.js'
export { default as IconPhone } from '@nutui/icons-react-taro/dist/es/icons/Phone.js'
export { default as IconSuccess } from '@nutui/icons-react-taro/dist/es/icons/Success.js'
export { default as IconScan } from '@nutui/icons-react-taro/dist/es/icons/Scan.js'

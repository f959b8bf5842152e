// The strings of the language the Mini Program speaks. Only Simplified Chinese today; a second
// language is a file of the same `Strings` shape picked here (e.g. from wx.getAppBaseInfo().language).
import { zhCN, type Strings } from './zh-CN'

export const t: Strings = zhCN
export type { Strings }

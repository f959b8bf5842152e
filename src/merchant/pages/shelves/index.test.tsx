import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { clipboard, cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import ShelvesPage from './index'

beforeEach(resetTaroStub)

test('a shelf is created from chosen cards, previewed, shared and taken down', async () => {
  const sent: Record<string, unknown>[] = []
  let shelves = [
    {
      pageId: 'pg1',
      title: '礼品卡商城',
      link: 'https://mp.weixin.qq.com/bizmall/giftcard?action=homepage&page_id=pg1#wechat_redirect',
      maintain: false,
    },
  ]
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'shelfList':
        return { errcode: 0, shelves }
      case 'cardList':
        return {
          errcode: 0,
          cards: [
            {
              cardId: 'pA',
              title: '中秋礼品卡',
              price: 20000,
              onSale: false,
              reviewStatus: 'APPROVED',
              backgroundPicUrl: 'http://cdn/face',
            },
          ],
        }
      case 'shelfGet':
        return {
          errcode: 0,
          page: {
            page_title: '礼品卡商城',
            theme_list: [{ title: '送给重要的人', item_list: [{ card_id: 'pX' }] }],
            cell_1: { url: 'http://h5/#/pages/order/index' },
          },
          link: '',
        }
      case 'shelfCreate':
        sent.push(d)
        shelves = [...shelves, { pageId: 'pg2', title: '中秋专场', link: 'l2', maintain: false }]
        return { errcode: 0, pageId: 'pg2', link: 'l2' }
      case 'shelfTakedown':
        sent.push(d)
        shelves = shelves.map((s) => (s.pageId === d.pageId ? { ...s, maintain: d.maintain as boolean } : s))
        return { errcode: 0, maintain: d.maintain }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<ShelvesPage />)
  expect(await screen.findByText('礼品卡商城')).toBeTruthy()
  fireEvent.click(screen.getByText('复制分享链接'))
  await waitFor(() => expect(clipboard).toEqual([shelves[0]!.link]))
  // The platform's own 内容已复制 says it: no toast of ours on top of it.
  expect(screen.queryByText('已复制')).toBeNull()
  fireEvent.click(screen.getByText('预览'))
  expect(await screen.findByText('送给重要的人：1 张礼品卡')).toBeTruthy()

  fireEvent.click(screen.getByText('新建货架'))
  const type = (id: string, v: string) => fireEvent.change(document.querySelector(`#field-${id} input`)!, { target: { value: v } })
  type('shelfTitle', '中秋专场')
  fireEvent.click(document.querySelector('#shelf-form [data-card="pA"]')!)
  type('address', '广州市海珠区示例路1号')
  // A number too short to be one is named under its field, and the shelf cannot be sent.
  type('phone', '12')
  expect(screen.getByText('请填写正确的电话号码')).toBeTruthy()
  fireEvent.click(screen.getByText('提交审核'))
  expect(sent).toEqual([])
  type('phone', '020-12345678')
  expect(screen.queryByText('请填写正确的电话号码')).toBeNull()
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('货架已创建')).toBeTruthy()
  expect(await screen.findByText('中秋专场')).toBeTruthy()
  const page = sent[0]!.page as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(page.page_title).toBe('中秋专场')
  expect(page.theme_list[0].item_list).toEqual([{ card_id: 'pA', title: '¥200.00' }])
  expect(page.theme_list[0].pic_item_list[0].background_pic_url).toBe('http://cdn/face')
  expect(page.cell_1.url).toBe('http://h5/#/pages/order/index')

  fireEvent.click(screen.getAllByText('下架')[0]!)
  expect(await screen.findByText('已下架')).toBeTruthy()
  expect(sent[1]).toEqual({ action: 'shelfTakedown', pageId: 'pg1', maintain: true })
})

test("a shelf's name past page/add's 9 Chinese characters is said under it before sending; 取消 leaves the form", async () => {
  const sent: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'shelfList':
        return { errcode: 0, shelves: [{ pageId: 'pg1', title: '礼品卡商城', link: 'l1', maintain: false }] }
      case 'cardList':
        return { errcode: 0, cards: [{ cardId: 'pA', title: '中秋礼品卡', price: 20000, backgroundPicUrl: 'http://cdn/face' }] }
      case 'shelfGet':
        return { errcode: 0, page: { page_title: '礼品卡商城', cell_1: { url: 'http://h5/#/pages/order/index' } }, link: '' }
      default:
        sent.push(d)
        return { errcode: 0, pageId: 'pg2', link: 'l2' }
    }
  })
  render(<ShelvesPage />)
  expect(await screen.findByText('礼品卡商城')).toBeTruthy()
  fireEvent.click(screen.getByText('新建货架'))
  const type = (id: string, v: string) => fireEvent.change(document.querySelector(`#field-${id} input`)!, { target: { value: v } })
  type('shelfTitle', '中秋节特别礼品卡专场限时发售')
  fireEvent.click(document.querySelector('#shelf-form [data-card="pA"]')!)
  type('address', '广州市海珠区示例路1号')
  type('phone', '020-12345678')
  expect(document.querySelector('#field-shelfTitle .field-msg')!.textContent).toBe('最多 9 个汉字')
  fireEvent.click(screen.getByText('提交审核'))
  expect(sent).toEqual([])
  type('shelfTitle', '中秋专场')
  expect(document.querySelector('#field-shelfTitle .field-msg')).toBeNull()
  fireEvent.click(screen.getByText('取消'))
  expect(document.querySelector('#shelf-form')).toBeNull()
  expect(screen.getByText('新建货架')).toBeTruthy()
  expect(sent).toEqual([])
})

test('the refund and invoice text, a paragraph, is edited in a text area', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'shelfList') return { errcode: 0, shelves: [] }
    if (d.action === 'cardList') return { errcode: 0, cards: [] }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<ShelvesPage />)
  fireEvent.click(await screen.findByText('新建货架'))
  const field = await waitFor(() => document.querySelector('#field-bizDescription')!)
  expect(field.querySelector('textarea')).not.toBeNull()
  expect(field.querySelector('input')).toBeNull()
})

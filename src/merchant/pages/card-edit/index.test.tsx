import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, setRouterParams } from '../../../../test/stubs/taro'
import CardEditPage from './index'

beforeEach(resetTaroStub)

const type = (label: string, value: string) =>
  fireEvent.change(document.querySelector(`#field-${label} input, #field-${label} textarea`)!, { target: { value } })

test('the form checks fields as the merchant types, previews the card, and refuses to send with errors', async () => {
  const created: unknown[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardCreate') created.push(d.card)
    return { errcode: 0, cardId: 'pNEW' }
  })
  render(<CardEditPage />)
  await screen.findByText('卡面预览')
  // Required fields say so before anything is submitted (issue 28); the service phone is optional.
  const marked = (id: string) => document.querySelector(`#field-${id} .required-mark`)?.textContent
  for (const id of ['title', 'brandName', 'price', 'balance', 'beginDate', 'endDate', 'quantity', 'notice', 'logoUrl', 'faceUrl'])
    expect([id, marked(id)]).toEqual([id, '必填'])
  expect(marked('servicePhone')).toBeUndefined()
  expect(screen.queryByText('请先修改标红的内容')).toBeNull()
  // Dates come from the date picker, never typed.
  expect(document.querySelector('#field-beginDate [data-taro="Picker"][data-mode="date"]')).toBeTruthy()
  expect(document.querySelector('#field-endDate [data-taro="Picker"][data-mode="date"]')).toBeTruthy()
  type('title', '一张名字特别特别长的礼品卡')
  expect(screen.getByText('最多 9 个汉字')).toBeTruthy()
  type('title', '中秋礼品卡')
  expect(screen.queryByText('最多 9 个汉字')).toBeNull()
  type('balance', '200')
  type('price', '1.999')
  expect(screen.getByText('请填写金额，最多两位小数，例如 100.00')).toBeTruthy()
  // WeChat takes a card's price and balance up to ¥1,000,000: more is said in the form, by the field, as too much.
  type('price', '1000000.01')
  expect(document.querySelector('#field-price')!.textContent).toContain('金额最多 1000000 元（100 万元）')
  type('price', '99999999999')
  expect(document.querySelector('#field-price')!.textContent).toContain('金额最多 1000000 元（100 万元）')
  type('price', '1000000')
  expect(document.querySelector('#field-price')!.textContent).not.toContain('金额最多')
  type('balance', '1000000.01')
  expect(document.querySelector('#field-balance')!.textContent).toContain('金额最多 1000000 元（100 万元）')
  type('balance', '200')
  type('price', '2')
  expect(screen.getByText('售价远低于面值，请确认没有少填一位')).toBeTruthy()
  type('price', '200')
  type('endDate', '2020-01-01')
  expect(screen.getByText('截止日期已过，这张卡一创建就过期了')).toBeTruthy()
  type('endDate', '2030-12-31')
  type('brandName', '示例咖啡')
  expect(document.querySelector('#card-preview')!.textContent).toBe('示例咖啡 · 中秋礼品卡¥200.00')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('请先修改标红的内容')).toBeTruthy()
  // No pictures uploaded, no description: nothing is sent.
  expect(screen.getAllByText('请上传图片')).toHaveLength(2)
  expect(created).toEqual([])
})

/**
 * The edit form for `card` (a merchant.cardList row): the console opened on it as an admin, every card/update
 * answered with `answer`. Answers the updates sent.
 */
function editing(card: Record<string, unknown>, answer: Record<string, unknown> = { errcode: 0, send_check: true }): unknown[] {
  setRouterParams({ cardId: card.cardId as string })
  const updates: unknown[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardList') return { errcode: 0, cards: [card] }
    updates.push(d.update)
    return answer
  })
  return updates
}

test('editing an existing card sends only the changed texts through card/update', async () => {
  const updates = editing({ cardId: 'pA', title: '100元礼品卡', price: 10000, onSale: true, reviewStatus: 'APPROVED' }, { errcode: 0 })
  render(<CardEditPage />)
  await screen.findByText('使用提醒')
  expect(document.querySelector('#review-refused')).toBeNull()
  type('notice', '请向店员出示')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('已保存')).toBeTruthy()
  expect(updates).toEqual([{ card_id: 'pA', general_card: { base_info: { notice: '请向店员出示' } } }])
})

test('a card WeChat refused (card_not_pass_check) shows 审核未通过 with the reason; saving the fix resubmits it', async () => {
  // card/update answers send_check true: friend-coupons.zh.txt line 1614, "true为修改字段后重新提审,该卡券的状态变为审核中".
  const updates = editing({
    cardId: 'pR',
    title: '新卡',
    price: 5000,
    onSale: false,
    reviewStatus: 'REJECTED',
    reviewReason: '使用说明含有违规内容',
  })
  render(<CardEditPage />)
  expect(await screen.findByText('审核未通过：使用说明含有违规内容')).toBeTruthy()
  type('description', '持卡到店消费，余额可多次使用')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('已保存，卡券已重新提交审核')).toBeTruthy()
  expect(updates).toEqual([{ card_id: 'pR', general_card: { base_info: { description: '持卡到店消费，余额可多次使用' } } }])
})

test('a long 使用说明 is sent whole, not cut at WeChat’s default 140 characters', async () => {
  const updates = editing({ cardId: 'pR', title: '新卡', price: 5000, onSale: false, reviewStatus: 'REJECTED', reviewReason: '太短' })
  render(<CardEditPage />)
  expect(await screen.findByText('审核未通过：太短')).toBeTruthy()
  // 使用提醒 is not asked for here (each text is optional), and a phone too short to be one is named.
  expect(document.querySelector('#field-notice .required-mark')).toBeNull()
  type('servicePhone', '12')
  expect(screen.getByText('请填写正确的电话号码')).toBeTruthy()
  type('servicePhone', '')
  const long = '持卡到店消费，余额可多次使用。'.repeat(20)
  expect(long.length).toBe(300)
  type('description', long)
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('已保存，卡券已重新提交审核')).toBeTruthy()
  expect(updates).toEqual([{ card_id: 'pR', general_card: { base_info: { description: long } } }])
})

test('editing starts from the card’s texts as they are, and sends only what was changed', async () => {
  const updates = editing({
    cardId: 'pE',
    title: '旧卡',
    price: 5000,
    onSale: true,
    reviewStatus: 'APPROVED',
    notice: '请出示卡券',
    description: '旧的说明',
    servicePhone: '020-12345678',
  })
  render(<CardEditPage />)
  await waitFor(() => expect((document.querySelector('#field-notice input') as HTMLInputElement).value).toBe('请出示卡券'))
  expect((document.querySelector('#field-servicePhone input') as HTMLInputElement).value).toBe('020-12345678')
  expect((document.querySelector('#field-description textarea') as HTMLTextAreaElement).value).toBe('旧的说明')
  type('description', '新的说明')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('已保存，卡券已重新提交审核')).toBeTruthy()
  expect(updates).toEqual([{ card_id: 'pE', general_card: { base_info: { description: '新的说明' } } }])
})

test('editing names the card, shows 使用说明 whole in a text area, and a double tap sends one card/update', async () => {
  setRouterParams({ cardId: 'pE' })
  const updates: unknown[] = []
  let answer: () => void = () => undefined
  const card = { cardId: 'pE', title: '500元礼品卡', price: 50000, onSale: true, reviewStatus: 'APPROVED', description: '旧的说明' }
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardList') return { errcode: 0, cards: [card] }
    updates.push(d.update)
    return new Promise((resolve) => (answer = () => resolve({ errcode: 0, send_check: true })))
  })
  render(<CardEditPage />)
  expect(await screen.findByText('500元礼品卡')).toBeTruthy()
  await waitFor(() => expect((document.querySelector('#field-description textarea') as HTMLTextAreaElement).value).toBe('旧的说明'))
  type('description', '新的说明')
  fireEvent.click(screen.getByText('提交审核'))
  fireEvent.click(screen.getByText('正在提交…'))
  await waitFor(() => expect(updates).toHaveLength(1))
  answer()
  expect(await screen.findByText('已保存，卡券已重新提交审核')).toBeTruthy()
  expect(updates).toHaveLength(1)
})

import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub } from '../../../../test/stubs/taro'
import CirculationPage from './index'

beforeEach(resetTaroStub)

test('a card by code: our ledger beside WeChat; adjust in yuan with a reason under one key; freeze after a confirmation', async () => {
  const sent: Record<string, unknown>[] = []
  let status = 'NORMAL'
  let balance = 10000
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardLookup')
      return {
        errcode: 0,
        cards: [
          {
            cardId: 'pA',
            code: '800000000001',
            title: '100元礼品卡',
            status,
            balance,
            holder: 'oAliceOpenid000001',
            orderId: 'MP1',
            synced: true,
            endTime: 0,
            total: 1,
            entries: [{ entryId: 'e', kind: 'issue', amount: 10000, balanceAfter: 10000, createdAt: 1 }],
            wechat: status === 'NORMAL' ? { status: 'NORMAL' } : { status: 'UNAVAILABLE' },
          },
        ],
      }
    sent.push(d)
    if (d.action === 'cardAdjust') {
      balance += d.amount as number
      return { errcode: 0, balance }
    }
    status = 'UNAVAILABLE'
    return { errcode: 0, status }
  })
  render(<CirculationPage />)
  fireEvent.change(await screen.findByPlaceholderText('输入卡号'), { target: { value: '800000000001' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('我们的记录')).toBeTruthy()
  expect(screen.getByText('微信卡包')).toBeTruthy()
  expect(screen.getAllByText('可使用')).toHaveLength(2)
  expect(screen.getByText('已同步到微信')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('调整金额（元，负数为扣减）'), { target: { value: '-12.5' } })
  fireEvent.change(screen.getByPlaceholderText('调整原因（必填，最多 14 字）'), { target: { value: '补偿' } })
  fireEvent.click(screen.getByText('调整余额'))
  // Nothing moves until the merchant confirms what the adjustment does, on which card.
  expect(await screen.findByText('「100元礼品卡」（尾号 0001）余额扣减 ¥12.50，调整后为 ¥87.50。原因：补偿')).toBeTruthy()
  expect(sent).toEqual([])
  fireEvent.click(screen.getByText('确认调整'))
  expect(await screen.findByText('已调整，当前余额 ¥87.50')).toBeTruthy()
  expect(sent[0]).toMatchObject({
    action: 'cardAdjust',
    cardId: 'pA',
    code: '800000000001',
    amount: -1250,
    reason: '补偿',
    key: expect.stringMatching(/^adj-/),
  })

  fireEvent.click(screen.getByText('冻结'))
  expect(await screen.findByText('冻结后这张卡在微信卡包和小程序中都不能再使用，余额保留。')).toBeTruthy()
  fireEvent.change(document.querySelector('.nut-dialog textarea')!, { target: { value: '挂失' } })
  fireEvent.click(screen.getByText('冻结', { selector: '.nut-dialog-footer-ok, .nut-dialog-footer-ok *' }))
  expect(await screen.findByText('已冻结')).toBeTruthy()
  expect(sent[1]).toEqual({ action: 'cardFreeze', cardId: 'pA', code: '800000000001', reason: '挂失' })
  expect(await screen.findAllByText('已失效')).toHaveLength(2)
})

test('an unknown code is said in words', async () => {
  cloudHandlers.set('merchant', (d) =>
    d.action === 'whoami' ? { errcode: 0, role: 'admin' } : { errcode: 1005, errmsg: 'no card with code 1' },
  )
  render(<CirculationPage />)
  fireEvent.change(await screen.findByPlaceholderText('输入卡号'), { target: { value: '1' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('没有找到相关内容')).toBeTruthy()
})

test("a card's ledger beyond its newest entries: 加载更多 by the lookup's nextCursor, from the newest again after a lookup", async () => {
  const asked: Record<string, unknown>[] = []
  const entry = (id: string, amount: number) => ({ entryId: id, kind: 'adjust', amount, balanceAfter: 10000, createdAt: 1 })
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    asked.push(d)
    if (d.action === 'cardLookup')
      return {
        errcode: 0,
        cards: [
          {
            cardId: 'pA',
            code: '800000000001',
            title: '100元礼品卡',
            status: 'NORMAL',
            balance: 10000,
            holder: 'o',
            orderId: 'MP1',
            synced: true,
            endTime: 0,
            total: 2,
            entries: [entry('e2', 200)],
            nextCursor: 'h1.sig',
            wechat: { status: 'NORMAL' },
          },
        ],
      }
    return { errcode: 0, total: 2, entries: [entry('e1', 100)] }
  })
  render(<CirculationPage />)
  fireEvent.change(await screen.findByPlaceholderText('输入卡号'), { target: { value: '800000000001' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('+¥2.00 → ¥100.00')).toBeTruthy()
  fireEvent.click(screen.getByText('加载更多'))
  expect(await screen.findByText('+¥1.00 → ¥100.00')).toBeTruthy()
  expect(asked.at(-1)).toEqual({ action: 'cardHistory', cardId: 'pA', code: '800000000001', cursor: 'h1.sig' })
  expect(screen.queryByText('加载更多')).toBeNull()
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('加载更多')).toBeTruthy()
  expect(screen.queryByText('+¥1.00 → ¥100.00')).toBeNull()
})

test('a code typed as the card bag groups it (1234 5678 9012) is looked up; a reason past 14 characters is said under it', async () => {
  const asked: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    asked.push(d)
    return {
      errcode: 0,
      cards: [
        {
          cardId: 'pA',
          code: '800000000001',
          title: '100元礼品卡',
          status: 'NORMAL',
          balance: 10000,
          holder: 'o',
          orderId: 'MP1',
          synced: true,
          endTime: 0,
          total: 0,
          entries: [],
          wechat: { status: 'NORMAL' },
        },
      ],
    }
  })
  render(<CirculationPage />)
  fireEvent.change(await screen.findByPlaceholderText('输入卡号'), { target: { value: ' 8000 0000 0001 ' } })
  fireEvent.click(screen.getByText('查询'))
  expect(await screen.findByText('我们的记录')).toBeTruthy()
  expect(asked[0]).toEqual({ action: 'cardLookup', code: '800000000001' })
  fireEvent.change(screen.getByPlaceholderText('调整金额（元，负数为扣减）'), { target: { value: '5' } })
  fireEvent.change(screen.getByPlaceholderText('调整原因（必填，最多 14 字）'), { target: { value: '顾客投诉补偿经店长同意后调整余额' } })
  expect(screen.getByText('调整原因最多 14 个汉字')).toBeTruthy()
  fireEvent.change(screen.getByPlaceholderText('调整原因（必填，最多 14 字）'), { target: { value: '顾客投诉补偿' } })
  expect(screen.queryByText('调整原因最多 14 个汉字')).toBeNull()
})

test('a deduction past the balance shown is refused before the confirmation; a cancelled one sends nothing', async () => {
  const sent: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'cardLookup')
      return {
        errcode: 0,
        cards: [
          {
            cardId: 'pA',
            code: '800000000001',
            title: '100元礼品卡',
            status: 'NORMAL',
            balance: 3000,
            holder: '',
            synced: true,
            endTime: 0,
            total: 0,
            entries: [],
            wechat: { status: 'NORMAL' },
          },
        ],
      }
    sent.push(d)
    return { errcode: 0, balance: 0 }
  })
  render(<CirculationPage />)
  fireEvent.change(await screen.findByPlaceholderText('输入卡号'), { target: { value: '800000000001' } })
  fireEvent.click(screen.getByText('查询'))
  fireEvent.change(await screen.findByPlaceholderText('调整金额（元，负数为扣减）'), { target: { value: '-500' } })
  fireEvent.change(screen.getByPlaceholderText('调整原因（必填，最多 14 字）'), { target: { value: '补偿' } })
  fireEvent.click(screen.getByText('调整余额'))
  expect(await screen.findByText('扣减金额超过卡内余额 ¥30.00')).toBeTruthy()
  expect(screen.queryByText('确认调整余额')).toBeNull()
  fireEvent.change(screen.getByPlaceholderText('调整金额（元，负数为扣减）'), { target: { value: '500' } })
  fireEvent.click(screen.getByText('调整余额'))
  expect(await screen.findByText('「100元礼品卡」（尾号 0001）余额增加 ¥500.00，调整后为 ¥530.00。原因：补偿')).toBeTruthy()
  fireEvent.click(screen.getByText('取消'))
  expect(sent).toEqual([])
})

import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, resetTaroStub, wxHandlers } from '../../../../test/stubs/taro'
import MemberCardEditPage from './index'

beforeEach(resetTaroStub)

const type = (field: string, value: string) =>
  fireEvent.change(document.querySelector(`#field-${field} input, #field-${field} textarea`)!, { target: { value } })
const typeLevel = (i: number, nth: 0 | 1, value: string) =>
  fireEvent.change(document.querySelectorAll(`#level-${i} input`)[nth]!, { target: { value } })

test('a member card with points, stored value and levels: each checked as typed, then sent to memberCardCreate', async () => {
  const calls: Record<string, unknown>[] = []
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'imageUpload') return { errcode: 0, url: 'https://mmbiz.qpic.cn/logo' }
    if (d.action === 'memberCardList') return { errcode: 0, cards: [] }
    return { errcode: 0, cardId: 'pMEMBER' }
  })
  render(<MemberCardEditPage />)
  await screen.findByText('会员等级（积分达到即升级）')
  expect(document.querySelector('#field-prerogative .field-label')!.textContent).toBe('会员权益必填')
  // contract/member-levels.ts: a level name shows in custom_field1, at most 4 characters.
  fireEvent.click(screen.getByText('添加等级'))
  typeLevel(1, 0, '钻石至尊会员')
  expect(screen.getByText('等级名称最多 4 个字')).toBeTruthy()
  typeLevel(1, 0, '金卡')
  expect(screen.queryByText('等级名称最多 4 个字')).toBeNull()
  typeLevel(1, 1, '1000')
  // bonus_rule.cost_money_unit must be at least 1 fen.
  type('costMoney', '0')
  expect(screen.getByText('积分规则须为整数，消费金额至少 0.01 元')).toBeTruthy()
  type('costMoney', '1')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('请先修改标红的内容')).toBeTruthy()
  expect(calls.filter((c) => c.action === 'memberCardCreate')).toEqual([])
  type('title', '星河会员卡')
  type('brandName', '星河咖啡')
  type('prerogative', '会员九五折')
  type('description', '储值不可提现')
  wxHandlers.chooseImage = () => ({ tempFilePaths: ['wxfile://tmp/logo.png'] })
  fireEvent.click(screen.getByText('上传图片'))
  await screen.findByText('已上传')
  fireEvent.click(screen.getByText('提交审核'))
  expect(await screen.findByText('会员卡已提交，等待微信审核')).toBeTruthy()
  const sent = calls.find((c) => c.action === 'memberCardCreate') as { card: { member_card: Record<string, unknown> }; levels: unknown }
  expect(sent.levels).toEqual([
    { name: '普通', minBonus: 0 },
    { name: '金卡', minBonus: 1000 },
  ])
  expect(sent.card.member_card).toMatchObject({
    supply_bonus: true,
    supply_balance: true,
    prerogative: '会员九五折',
    bonus_rule: { cost_money_unit: 100, increase_bonus: 1, init_increase_bonus: 0 },
    custom_field1: { name_type: 'FIELD_NAME_TYPE_LEVEL' },
  })
})

test('the merchant’s member cards above the form: each title with its review, a refused one with WeChat’s reason', async () => {
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'memberCardList':
        return {
          errcode: 0,
          cards: [
            { cardId: 'pREFUSED', title: '星河会员卡', reviewStatus: 'REJECTED', reviewReason: '会员卡特权说明含有违规内容' },
            { cardId: 'pNEW', title: '银河会员卡', reviewStatus: 'PENDING' },
            { cardId: 'pOK', title: '星辰会员卡', reviewStatus: 'APPROVED' },
          ],
        }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<MemberCardEditPage />)
  expect(await screen.findByText('已创建的会员卡')).toBeTruthy()
  const tile = (id: string) => document.querySelector(`[data-card="${id}"]`)!
  expect(tile('pREFUSED').textContent).toBe('星河会员卡审核未通过审核未通过：会员卡特权说明含有违规内容')
  expect(tile('pNEW').textContent).toBe('银河会员卡审核中')
  expect(tile('pOK').textContent).toBe('星辰会员卡已通过')
  expect(document.body.textContent).not.toMatch(/APPROVED|PENDING|REJECTED/)
  // The list sits above the form, which still creates a card.
  const list = screen.getByText('已创建的会员卡')
  const form = document.querySelector('#member-card-form')!
  expect(list.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
})

test('a merchant with no member card yet sees only the form', async () => {
  cloudHandlers.set('merchant', (d) => {
    if (d.action === 'whoami') return { errcode: 0, role: 'admin' }
    if (d.action === 'memberCardList') return { errcode: 0, cards: [] }
    return { errcode: 1002, errmsg: 'unknown' }
  })
  render(<MemberCardEditPage />)
  await screen.findByText('会员等级（积分达到即升级）')
  expect(screen.queryByText('已创建的会员卡')).toBeNull()
  expect(document.querySelector('[data-card]')).toBeNull()
})

import { fireEvent, render, screen } from '@testing-library/react'
import { cloudHandlers, navigations, resetTaroStub } from '../../../../test/stubs/taro'
import PayGiftRulesPage from './index'

beforeEach(resetTaroStub)

const type = (field: string, value: string) => fireEvent.change(document.querySelector(`#field-${field} input`)!, { target: { value } })

test('a pay-then-member rule: refused as typed with contract/pay-gift-rule.ts, then added, listed and deleted', async () => {
  const calls: Record<string, unknown>[] = []
  let rules: unknown[] = []
  cloudHandlers.set('merchant', (d) => {
    calls.push(d)
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'memberCardList':
        return { errcode: 0, cards: [{ cardId: 'pMEMBER', title: '星河会员卡' }] }
      case 'payGiftRuleList':
        return { errcode: 0, rules, total: rules.length }
      case 'payGiftRuleAdd':
        rules = [d.rule]
        return { errcode: 0, ruleId: 42, succMchidList: ['1900000109'], failMchidList: [] }
      case 'payGiftRuleDelete':
        rules = []
        return { errcode: 0, ruleId: 42 }
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<PayGiftRulesPage />)
  expect(await screen.findByText('暂无生效中的规则')).toBeTruthy()
  expect(document.querySelector('#field-mchids .field-label')!.textContent).toBe('微信支付商户号（多个用逗号分隔，最多 10 个）必填')
  type('mchids', '1,2,3,4,5,6,7,8,9,10,11')
  expect(screen.getByText('请填写 1 到 10 个商户号，只含数字')).toBeTruthy()
  type('mchids', '1900000109')
  type('maxCost', '0')
  expect(screen.getByText('最高金额不能低于最低金额')).toBeTruthy()
  type('maxCost', '500')
  fireEvent.click(screen.getByText('添加规则'))
  expect(await screen.findByText('规则已添加（编号 42）')).toBeTruthy()
  const rule = calls.find((c) => c.action === 'payGiftRuleAdd')!.rule as Record<string, Record<string, unknown>>
  expect(rule.member_rule).toEqual({ card_id: 'pMEMBER', least_cost: 1, max_cost: 50000 })
  expect(rule.base_info!.mchid_list).toEqual(['1900000109'])
  expect(await screen.findByText(/买单 ¥0.01 至 ¥500.00/)).toBeTruthy()
  fireEvent.click(screen.getByText('删除这条规则'))
  expect(await screen.findByText('规则已删除')).toBeTruthy()
  expect(calls.find((c) => c.action === 'payGiftRuleDelete')).toEqual({ action: 'payGiftRuleDelete', ruleId: 42 })
})

test('a second rule after the first: a changed form is sent again, a double tap once; refused mchids are named, a rule WeChat did not add offers no delete', async () => {
  const adds: Record<string, unknown>[] = []
  const answers = [
    { errcode: 0, ruleId: 42, succMchidList: ['1900000109'], failMchidList: [] },
    // every mchid refused: WeChat adds no rule (rule_id 0) and says which mchid holds it
    { errcode: 0, ruleId: 0, succMchidList: [], failMchidList: [{ mchid: '1900000109', errcode: 72004, occupy_rule_id: 42 }] },
  ]
  cloudHandlers.set('merchant', (d) => {
    switch (d.action) {
      case 'whoami':
        return { errcode: 0, role: 'admin' }
      case 'memberCardList':
        return { errcode: 0, cards: [{ cardId: 'pMEMBER', title: '星河会员卡' }] }
      case 'payGiftRuleList':
        return { errcode: 0, rules: [], total: 0 }
      case 'payGiftRuleAdd':
        adds.push(d)
        return answers[adds.length - 1]!
      default:
        return { errcode: 1002, errmsg: 'unknown' }
    }
  })
  render(<PayGiftRulesPage />)
  expect(await screen.findByText('暂无生效中的规则')).toBeTruthy()
  type('mchids', '1900000109')
  fireEvent.click(screen.getByText('添加规则'))
  fireEvent.click(screen.getByText('添加规则'))
  expect(await screen.findByText('规则已添加（编号 42）')).toBeTruthy()
  expect(adds).toHaveLength(1)
  // The same form again: not a second rule.
  fireEvent.click(screen.getByText('添加规则'))
  await new Promise((r) => setTimeout(r, 50))
  expect(adds).toHaveLength(1)
  // A second range for the same mchid: sent, and WeChat refuses the mchid.
  type('leastCost', '600')
  type('maxCost', '900')
  fireEvent.click(screen.getByText('添加规则'))
  expect(await screen.findByText('规则没有添加。商户号 1900000109 未能加入：已用于另一条规则，请先删除那条规则')).toBeTruthy()
  expect(adds).toHaveLength(2)
  // The delete button still belongs to rule 42, the one WeChat added.
  expect(screen.getAllByText('删除这条规则')).toHaveLength(1)
})

test('no member card yet: the page leads to 新建会员卡', async () => {
  cloudHandlers.set('merchant', (d) =>
    d.action === 'whoami' ? { errcode: 0, role: 'admin' } : d.action === 'memberCardList' ? { errcode: 0, cards: [] } : { errcode: 1002 },
  )
  render(<PayGiftRulesPage />)
  expect(await screen.findByText('还没有会员卡，请先新建一张')).toBeTruthy()
  fireEvent.click(screen.getByText('新建会员卡'))
  await new Promise((r) => setTimeout(r, 0))
  expect(navigations).toContain('/merchant/pages/member-card-edit/index')
})

import { Text, View } from '@tarojs/components'
import { useCallback, useEffect, useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { Section } from '../../../components/PageShell'
import { Tag } from '../../../components/ui'
import type { CloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { openPage, usePullDownRefresh } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { consoleApi, type Dashboard } from '../../api'
import { SalesChart } from '../../components/SalesChart'
import { Gate } from '../../components/Gate'
import { CHANNELS, salesChart } from '../../sales-chart'

const MENU = [
  ['cards', '/merchant/pages/cards/index'],
  ['coupons', '/merchant/pages/coupons/index'],
  ['coins', '/merchant/pages/coins/index'],
  ['memberCard', '/merchant/pages/member-card-edit/index'],
  ['payGift', '/merchant/pages/pay-gift/index'],
  ['shelves', '/merchant/pages/shelves/index'],
  ['orders', '/merchant/pages/orders/index'],
  ['circulation', '/merchant/pages/circulation/index'],
  ['staff', '/merchant/pages/staff/index'],
  ['audit', '/merchant/pages/audit/index'],
  ['redeem', '/merchant/pages/redeem/index'],
] as const
const RANGES = [1, 7, 30]

function DashboardView() {
  const [days, setDays] = useState(7)
  const [data, setData] = useState<CloudData<Dashboard>>({ state: 'loading' })
  const load = useCallback(async (d: number) => {
    setDays(d)
    setData({ state: 'loading' })
    try {
      setData({ state: 'ready', data: await consoleApi.dashboard(d) })
    } catch (err) {
      setData({ state: 'error', message: userMessage(err) })
    }
  }, [])
  useEffect(() => {
    void load(7)
  }, [load])
  usePullDownRefresh(() => load(days))
  return (
    <View>
      <View className='chips' id='range'>
        {RANGES.map((d) => (
          <View key={d} className={`chip${d === days ? ' chip-on' : ''}`} onClick={() => void load(d)}>
            {t.console.range[d]}
          </View>
        ))}
      </View>
      <AsyncState value={data} onRetry={() => void load(days)}>
        {(d) => {
          const total = d.sales.reduce((s, r) => s + r.amount, 0)
          const orders = d.sales.reduce((s, r) => s + r.orders, 0)
          const byChannel = CHANNELS.map((c) => ({
            c,
            amount: d.sales.filter((r) => r.channel === c).reduce((s, r) => s + r.amount, 0),
            n: d.sales.filter((r) => r.channel === c).reduce((s, r) => s + r.orders, 0),
          }))
          return (
            <View id='dashboard'>
              <View className='stats'>
                <View className='stat' id='stat-sales'>
                  <Text className='stat-label'>{t.console.sales}</Text>
                  <Text className='stat-value'>{yuan(total)}</Text>
                  <Text className='muted'>{t.console.orderCount(orders)}</Text>
                  {!!d.rechargeSales && <Text className='muted'>{t.console.salesWithRecharges(yuan(d.salesWithRecharges ?? total))}</Text>}
                </View>
                <View className='stat' id='stat-recharged'>
                  <Text className='stat-label'>{t.console.recharged}</Text>
                  <Text className='stat-value'>{yuan(d.rechargeSales ?? 0)}</Text>
                </View>
                <View className='stat' id='stat-redeemed'>
                  <Text className='stat-label'>{t.console.redeemed}</Text>
                  <Text className='stat-value'>{yuan(d.redeemed)}</Text>
                </View>
                <View className='stat' id='stat-liability'>
                  <Text className='stat-label'>{t.console.liability}</Text>
                  <Text className='stat-value'>{yuan(d.liability)}</Text>
                  {d.live && (d.live.memberCards.count > 0 || d.live.coupons.count > 0) ? (
                    <>
                      <Text className='muted live-kind'>{t.console.liveGift(d.live.giftCards.count, yuan(d.live.giftCards.balance))}</Text>
                      {d.live.memberCards.count > 0 && (
                        <Text className='muted live-kind'>
                          {t.console.liveMember(d.live.memberCards.count, yuan(d.live.memberCards.balance))}
                        </Text>
                      )}
                      {d.live.coupons.count > 0 && <Text className='muted live-kind'>{t.console.liveCoupons(d.live.coupons.count)}</Text>}
                    </>
                  ) : (
                    <Text className='muted'>{t.console.liabilityHint(d.liveCards)}</Text>
                  )}
                </View>
                <View className='stat' id='stat-claimed'>
                  <Text className='stat-label'>{t.console.claimed}</Text>
                  <Text className='stat-value'>{d.claimed}</Text>
                </View>
                {d.couponsClaimed !== undefined && (
                  <View className='stat' id='stat-coupons-claimed'>
                    <Text className='stat-label'>{t.console.couponsClaimed}</Text>
                    <Text className='stat-value'>{d.couponsClaimed}</Text>
                  </View>
                )}
                <View className='stat' id='stat-members'>
                  <Text className='stat-label'>{t.console.members}</Text>
                  <Text className='stat-value'>{d.members}</Text>
                </View>
              </View>
              <View className='muted' id='cube-late'>
                {t.console.cubeLate}
              </View>
              {!d.cube && <View className='muted'>{t.console.cubeMissing}</View>}
              <Section title={t.console.salesByChannel}>
                {total === 0 && orders === 0 ? (
                  <View className='muted'>{t.console.noSales}</View>
                ) : (
                  <View className='channel-figures' id='channel-figures'>
                    {byChannel.map((b) => (
                      <View className='channel-row' key={b.c}>
                        <Text className='channel-label'>{t.merchant.channel[b.c] ?? b.c}</Text>
                        <Text className='channel-value'>{`${yuan(b.amount)} · ${t.console.orderCount(b.n)}`}</Text>
                      </View>
                    ))}
                  </View>
                )}
              </Section>
              {total > 0 && (
                <Section title={t.console.salesByDay}>
                  <SalesChart figures={salesChart(d.sales)} />
                </Section>
              )}
            </View>
          )
        }}
      </AsyncState>
    </View>
  )
}

export default function MerchantHome() {
  return (
    <Gate title={t.merchant.title} allow={['admin', 'staff']}>
      {(role) =>
        role === 'staff' ? (
          <View className='note' id='staff-home'>
            <Tag type='primary'>{t.console.roleName.staff}</Tag> {t.console.staffHome}
            <View className='menu-item' id='staff-redeem' onClick={() => void openPage('/merchant/pages/redeem/index')}>
              {t.console.menu.redeem}
            </View>
          </View>
        ) : (
          <View>
            <View className='menu' id='console-menu'>
              {MENU.map(([key, url]) => (
                <View key={key} className='menu-item' onClick={() => void openPage(url)}>
                  {t.console.menu[key]}
                </View>
              ))}
            </View>
            <DashboardView />
          </View>
        )
      }
    </Gate>
  )
}

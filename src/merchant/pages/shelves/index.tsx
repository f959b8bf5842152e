import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { AsyncState } from '../../../components/AsyncState'
import { useToast } from '../../../components/Notice'
import { Section } from '../../../components/PageShell'
import { Button, Tag } from '../../../components/ui'
import { useCloudData } from '../../../hooks/useCloudData'
import { userMessage } from '../../../services/errors'
import { copyText } from '../../../services/page'
import { t } from '../../../strings'
import { yuan } from '../../../utils/money'
import { consoleApi, type GiftCardRow, type ShelfRow } from '../../api'
import { Field } from '../../components/Field'
import { isServicePhone, utf8Bytes } from '../../giftcard-form'
import { RequiredMark } from '../../../components/RequiredMark'
import { Gate } from '../../components/Gate'

interface ShelfForm {
  pageId?: string
  title: string
  theme: string
  cards: string[]
  address: string
  phone: string
  bizDescription: string
  cellUrl: string
}

type Page = Record<string, unknown> & { theme_list?: { title?: string; item_list?: { card_id: string }[] }[]; cell_1?: { url?: string } }

const blank = (cellUrl = ''): ShelfForm => ({
  title: '',
  theme: '送给重要的人',
  cards: [],
  address: '',
  phone: '',
  bizDescription: '退款：点击「申请退款」联系客服，未使用的礼品卡原路退回。发票：点击「申请发票」开具电子发票。',
  cellUrl,
})

/** The body of card/giftcard/page/add (gift-card-api §7.2) from the form, with the chosen cards' faces. */
function pageOf(f: ShelfForm, cards: GiftCardRow[]) {
  const chosen = cards.filter((c) => f.cards.includes(c.cardId))
  const faces = chosen.map((c) => c.backgroundPicUrl).filter((u): u is string => !!u)
  return {
    ...(f.pageId ? { page_id: f.pageId } : {}),
    page_title: f.title.trim(),
    support_multi: true,
    support_buy_for_self: true,
    banner_pic_url: faces[0] ?? '',
    theme_list: [
      {
        theme_pic_url: faces[0] ?? '',
        title: f.theme.trim(),
        title_color: '#B8322A',
        item_list: chosen.map((c) => ({ card_id: c.cardId, title: yuan(c.price) })),
        pic_item_list: faces.map((u) => ({ background_pic_url: u, default_gifting_msg: '愿你天天开心' })),
      },
    ],
    address: f.address,
    service_phone: f.phone,
    biz_description: f.bizDescription,
    cell_1: { title: '申请退款', url: f.cellUrl },
    cell_2: { title: '申请发票', url: f.cellUrl },
  }
}

/** page/add's limits (server/wechat/giftcard-page.ts checkPage): page_title 9 Chinese characters, a theme's title 15. */
const TITLE_MAX = 9
const THEME_MAX = 15

function Editor({
  initial,
  cards,
  onDone,
  onCancel,
  showToast,
}: {
  initial: ShelfForm
  cards: GiftCardRow[]
  onDone: () => Promise<void>
  onCancel: () => void
  showToast: (s: string, i?: 'success' | 'fail') => void
}) {
  const [f, setF] = useState(initial)
  const [busy, setBusy] = useState(false)
  const req = (v: string) => (v.trim() ? undefined : t.console.errors.required)
  const upTo = (v: string, max: number) => req(v) ?? (utf8Bytes(v.trim()) > max * 3 ? t.console.errors.tooLong(max) : undefined)
  const titleErr = upTo(f.title, TITLE_MAX)
  const themeErr = upTo(f.theme, THEME_MAX)
  const phoneErr = req(f.phone) ?? (isServicePhone(f.phone) ? undefined : t.console.errors.phone)
  const invalid = !!titleErr || !!themeErr || f.cards.length === 0 || !f.address.trim() || !!phoneErr || !/^https?:\/\//.test(f.cellUrl)
  const save = async () => {
    setBusy(true)
    try {
      const page = pageOf(f, cards)
      if (f.pageId) await consoleApi.shelfUpdate({ ...page, page_id: f.pageId })
      else await consoleApi.shelfCreate(page)
      showToast(f.pageId ? t.console.shelfUpdated : t.console.shelfCreated, 'success')
      await onDone()
    } catch (err) {
      showToast(userMessage(err), 'fail')
    } finally {
      setBusy(false)
    }
  }
  return (
    <Section title={f.pageId ? t.console.edit : t.console.newShelf}>
      <View id='shelf-form'>
        <Field
          id='shelfTitle'
          label={t.console.shelfTitle}
          value={f.title}
          onInput={(v) => setF({ ...f, title: v })}
          error={titleErr}
          required
        />
        <Field
          id='theme'
          label={t.console.themeTitle}
          value={f.theme}
          onInput={(v) => setF({ ...f, theme: v })}
          error={themeErr}
          required
        />
        <Text className='field-label'>
          {t.console.shelfCards}
          <RequiredMark />
        </Text>
        <View className='chips'>
          {cards.map((c) => (
            <View
              key={c.cardId}
              className={`chip${f.cards.includes(c.cardId) ? ' chip-on' : ''}`}
              data-card={c.cardId}
              onClick={() =>
                setF({ ...f, cards: f.cards.includes(c.cardId) ? f.cards.filter((x) => x !== c.cardId) : [...f.cards, c.cardId] })
              }
            >
              {c.title}
            </View>
          ))}
        </View>
        <Field
          id='address'
          label={t.console.address}
          value={f.address}
          onInput={(v) => setF({ ...f, address: v })}
          error={req(f.address)}
          required
        />
        <Field
          id='phone'
          label={t.console.fields.servicePhone}
          value={f.phone}
          onInput={(v) => setF({ ...f, phone: v })}
          error={phoneErr}
          required
        />
        <Field
          id='bizDescription'
          multiline
          label={t.console.bizDescription}
          value={f.bizDescription}
          onInput={(v) => setF({ ...f, bizDescription: v })}
          error={req(f.bizDescription)}
          required
        />
        <Button className='btn-block' type='primary' disabled={busy || invalid} onClick={() => void save()}>
          {t.console.save}
        </Button>
        <Button className='btn-block' fill='outline' disabled={busy} onClick={onCancel}>
          {t.common.cancel}
        </Button>
      </View>
    </Section>
  )
}

function ShelfItem({
  s,
  onEdit,
  onChanged,
  toast,
}: {
  s: ShelfRow
  onEdit: () => void
  onChanged: () => Promise<void>
  toast: (s: string, i?: 'success' | 'fail') => void
}) {
  const [preview, setPreview] = useState<Page>()
  return (
    <View className='card-tile plain' data-shelf={s.pageId}>
      <View className='row'>
        <Text className='section-title'>{s.title}</Text>
        <Tag type={s.maintain ? 'default' : 'success'}>{s.maintain ? t.console.takenDown : t.console.live}</Tag>
      </View>
      <View className='row-actions'>
        <Button size='small' fill='outline' onClick={onEdit}>
          {t.console.edit}
        </Button>
        <Button
          size='small'
          fill='outline'
          onClick={() =>
            void consoleApi.shelfGet(s.pageId).then(
              (r) => setPreview(r.page as Page),
              (e) => toast(userMessage(e), 'fail'),
            )
          }
        >
          {t.console.previewShelf}
        </Button>
        {/* setClipboardData shows its own 内容已复制 toast (WeChat's and Taro's H5 alike): a second one would cover it. */}
        <Button size='small' fill='outline' onClick={() => void copyText(s.link).catch(() => undefined)}>
          {t.console.shareLink}
        </Button>
        <Button
          size='small'
          fill='outline'
          onClick={() => void consoleApi.shelfTakedown(s.pageId, !s.maintain).then(onChanged, (e) => toast(userMessage(e), 'fail'))}
        >
          {s.maintain ? t.console.putUp : t.console.takeDown}
        </Button>
      </View>
      {preview && (
        <View className='shelf-preview'>
          {(preview.theme_list ?? []).map((th, i) => (
            <View key={i} className='muted'>
              {t.console.themeCards(th.title ?? '', (th.item_list ?? []).length)}
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

async function load() {
  const [shelves, cards] = await Promise.all([consoleApi.shelves(), consoleApi.cards()])
  const first = shelves.shelves[0]
  const cellUrl = first ? (((await consoleApi.shelfGet(first.pageId)).page as Page).cell_1?.url ?? '') : ''
  return { shelves: shelves.shelves, cards: cards.cards, cellUrl }
}

function ShelvesView() {
  const [data, reload] = useCloudData(load)
  const [editing, setEditing] = useState<ShelfForm>()
  const [toast, showToast] = useToast()
  const edit = async (s: ShelfRow, cellUrl: string) => {
    try {
      const page = (await consoleApi.shelfGet(s.pageId)).page as Page & {
        page_title?: string
        address?: string
        service_phone?: string
        biz_description?: string
      }
      const theme = page.theme_list?.[0]
      setEditing({
        pageId: s.pageId,
        title: page.page_title ?? '',
        theme: theme?.title ?? '',
        cards: (theme?.item_list ?? []).map((i) => i.card_id),
        address: page.address ?? '',
        phone: page.service_phone ?? '',
        bizDescription: page.biz_description ?? '',
        cellUrl: page.cell_1?.url ?? cellUrl,
      })
    } catch (err) {
      showToast(userMessage(err), 'fail')
    }
  }
  return (
    <View>
      {toast}
      <AsyncState value={data} onRetry={reload}>
        {(d) => (
          <View>
            {editing ? (
              <Editor
                key={editing.pageId ?? 'new'}
                initial={editing}
                cards={d.cards}
                showToast={showToast}
                onCancel={() => setEditing(undefined)}
                onDone={async () => {
                  setEditing(undefined)
                  await reload()
                }}
              />
            ) : (
              <Button className='btn-block' type='primary' onClick={() => setEditing(blank(d.cellUrl))}>
                {t.console.newShelf}
              </Button>
            )}
            <Section title={t.merchant.shelves}>
              {d.shelves.length === 0 ? (
                <View className='muted'>{t.console.noShelves}</View>
              ) : (
                d.shelves.map((s) => (
                  <ShelfItem key={s.pageId} s={s} onEdit={() => void edit(s, d.cellUrl)} onChanged={reload} toast={showToast} />
                ))
              )}
            </Section>
          </View>
        )}
      </AsyncState>
    </View>
  )
}

export default function ShelvesPage() {
  return <Gate title={t.console.menu.shelves}>{() => <ShelvesView />}</Gate>
}

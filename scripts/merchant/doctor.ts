// `npm run merchant -- doctor`: merchant.selfCheck's checks (server/domain/merchant/self-check.ts) and
// the one a function cannot make, every index of server/store/indexes.ts present, as a Chinese
// checklist with the fix under each failure.
import type { Check } from '../../server/domain/merchant/self-check'
import { INDEXES } from '../../server/store/indexes'

/** Each collection's indexes, the fields of each in order (the local cloud's GET /__cloud/indexes). */
export type IndexLister = () => Promise<Record<string, string[][]>>

/** The local cloud's index listing, as the console's 数据库 → 索引管理 shows it. */
export function localIndexes(url: string): IndexLister {
  return async () => {
    const res = await fetch(`${url}/__cloud/indexes`)
    if (!res.ok) throw new Error(`GET ${url}/__cloud/indexes answered HTTP ${res.status}`)
    return ((await res.json()) as { indexes: Record<string, string[][]> }).indexes
  }
}

const LABEL = '数据库索引（server/store/indexes.ts 声明的每一个）'

/** Every declared index present, matched by its fields in order (a name given by hand counts too). */
export async function indexCheck(list: IndexLister): Promise<Check> {
  let have: Record<string, string[][]>
  try {
    have = await list()
  } catch (err) {
    return { name: 'indexes', label: LABEL, ok: false, advice: `无法列出索引（${(err as Error).message}）。` }
  }
  const key = (fields: string[]) => fields.join(',')
  const missing: string[] = []
  for (const [coll, wanted] of Object.entries(INDEXES)) {
    const present = new Set((have[coll] ?? []).map(key))
    for (const fields of wanted) if (!present.has(key(fields))) missing.push(`${coll}(${fields.join(', ')})`)
  }
  const total = Object.values(INDEXES).reduce((n, l) => n + l.length, 0)
  if (missing.length === 0) return { name: 'indexes', label: LABEL, ok: true, detail: `${total} 个` }
  return {
    name: 'indexes',
    label: LABEL,
    ok: false,
    detail: `缺少 ${missing.length} 个：${missing.join('；')}`,
    advice:
      '请运行 npm run deploy（会补建缺少的集合与索引，已有的不变），或在云开发控制台 →「数据库」→ 集合 →「索引管理」中按上面的字段顺序（均为升序、非唯一）逐个添加。',
  }
}

/** The checklist for people: ✔/✘, the label, what was found, and the fix under each failure. */
export function formatChecklist(checks: Check[]): string {
  const failed = checks.filter((c) => !c.ok).length
  const lines = [
    failed === 0 ? `自检通过：${checks.length} 项全部正常。` : `自检：${checks.length - failed} 项正常，${failed} 项需要处理。`,
    '',
  ]
  for (const c of checks) {
    lines.push(`${c.ok ? '✔' : '✘'} ${c.label} [${c.name}]${c.detail ? `：${c.detail}` : ''}`)
    if (!c.ok && c.advice) lines.push(`    修复：${c.advice}`)
  }
  return lines.join('\n')
}

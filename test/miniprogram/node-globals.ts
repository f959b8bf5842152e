// Finds what of Node a script would reach for at run time: a free reference to one of Node's globals
// (`process`, `global`, `Buffer`, `__dirname`, `__filename`), the same
// read off the global object (`globalThis.process`), or `require` of a Node built-in module. It reads
// the parsed program with its scopes, so it is neither fooled nor over-broad: text inside strings,
// template text, comments, property names (`a.process`, `{ process: 1 }`) and local variables or
// parameters that happen to be called `process` are not references to Node. A string handed to
// `Function` or `eval` is text too: WeChat never runs code from strings ("不支持使用 eval 执行 JS 代码；不支持
// 使用 new Function 创建函数", developers.weixin.qq.com/miniprogram/dev/framework/runtime/js-support.md),
// and the launch test's runtime refuses it the same way. `typeof process` is allowed: it never throws
// and is how portable code asks whether it is in Node.
import { builtinModules } from 'node:module'
import { parse } from '@babel/parser'
import traverse, { type NodePath } from '@babel/traverse'
import type * as t from '@babel/types'

export const NODE_GLOBALS = ['process', 'global', 'Buffer', '__dirname', '__filename']
const GLOBAL_OBJECTS = ['globalThis', 'self', 'window']
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

export interface NodeReference {
  what: string
  line: number
  column: number
}

const isFree = (path: NodePath, name: string) => !path.scope.hasBinding(name, { noGlobals: true })
const underTypeof = (path: NodePath) => path.parentPath?.isUnaryExpression({ operator: 'typeof' }) === true
const staticString = (node: t.Node | undefined): string | undefined => {
  if (node?.type === 'StringLiteral') return node.value
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]!.value.cooked ?? undefined
  return undefined
}

export function nodeReferences(code: string): NodeReference[] {
  const found: NodeReference[] = []
  const at = (node: t.Node, what: string) => found.push({ what, line: node.loc?.start.line ?? 0, column: node.loc?.start.column ?? 0 })
  const ast = parse(code, { sourceType: 'script', errorRecovery: false })
  traverse(ast, {
    ReferencedIdentifier(path) {
      const { name } = path.node as t.Identifier
      if (NODE_GLOBALS.includes(name) && isFree(path, name) && !underTypeof(path)) at(path.node, name)
    },
    MemberExpression(path) {
      const { object, property, computed } = path.node
      const key = computed ? staticString(property) : property.type === 'Identifier' ? property.name : undefined
      if (object.type !== 'Identifier' || !GLOBAL_OBJECTS.includes(object.name) || !key || !NODE_GLOBALS.includes(key)) return
      if (isFree(path, object.name) && !underTypeof(path)) at(path.node, `${object.name}.${key}`)
    },
    CallExpression(path) {
      const { callee, arguments: args } = path.node
      if (callee.type !== 'Identifier' || callee.name !== 'require' || !isFree(path, 'require')) return
      const id = staticString(args[0])
      if (id !== undefined && BUILTINS.has(id)) at(path.node, `require('${id}')`)
    },
  })
  return found
}

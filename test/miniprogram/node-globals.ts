// Finds what of Node a script would reach for at run time: a free reference to one of Node's globals
// (`process`, `global`, `Buffer`, `__dirname`, `__filename`), the same
// read off the global object (`globalThis.process`), or `require` of a Node built-in module. It reads
// the parsed program with its scopes, so it is neither fooled nor over-broad: text inside strings,
// template text, comments, property names (`a.process`, `{ process: 1 }`) and local variables or
// parameters that happen to be called `process` are not references to Node; code that does run from a
// string (`Function('…')`, `eval('…')`) is parsed and checked as well. `typeof process` is allowed: it
// never throws and is how portable code asks whether it is in Node.
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

export function nodeReferences(code: string, offset = { line: 0, column: 0 }): NodeReference[] {
  const found: NodeReference[] = []
  const at = (node: t.Node, what: string) =>
    found.push({ what, line: offset.line + (node.loc?.start.line ?? 0), column: (node.loc?.start.line === 1 ? offset.column : 0) + (node.loc?.start.column ?? 0) })
  const ast = parse(code, { sourceType: 'script', allowReturnOutsideFunction: true, errorRecovery: false })
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
    'CallExpression|NewExpression'(path) {
      if (!path.isCallExpression() && !path.isNewExpression()) return
      const { callee, arguments: args } = path.node
      if (callee.type !== 'Identifier' || !isFree(path, callee.name)) return
      if (callee.name === 'require') {
        const id = staticString(args[0])
        if (id !== undefined && BUILTINS.has(id)) at(path.node, `require('${id}')`)
      } else if (callee.name === 'Function' || callee.name === 'eval') {
        // Code in a string runs too: check it as the body it becomes.
        const body = staticString(args.at(-1))
        const loc = args.at(-1)?.loc?.start
        if (body !== undefined) found.push(...nodeReferences(body, { line: offset.line + (loc?.line ?? 1) - 1, column: loc?.column ?? 0 }))
      }
    },
  })
  return found
}

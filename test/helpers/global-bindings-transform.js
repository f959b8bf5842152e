// Jest's transformer for every module a test loads (ours through @swc/jest, node_modules as they are),
// which also hands each module the built-in globals it names as local bindings.
//
// Why: jest runs a test file's modules in a vm context, and in a vm context every read of a global
// (`RegExp`, `Date`, `Object`, …) is a lookup through the context's global-object interceptor, ~50×
// slower than in plain Node (node 20: `v instanceof RegExp` 3 million times: 12 ms plain, ~700 ms in a
// context, 7 ms with RegExp a local). The local stack runs inside the test process, and its database
// engine (mingo, doc-store, EJSON) reads such globals millions of times a paging test: most of
// list-paging's time was `isRegExp`/`isDate` in mingo. Binding them once per module (the same objects,
// read from the test's global when the module loads) makes those reads ordinary closure reads.
//
// The module's own code runs in an inner function, so a module that declares one of these names itself
// (`const Buffer = require('buffer').Buffer`) only shadows it; `this` and `arguments` (jest's module
// wrapper's) are passed through. Nothing is added before line 1's code, so line numbers stay right.
// Timers are not bound (jest's fake timers replace them on the global); neither is Date's stand-in: the
// project fakes time with its own Clock and the emulator's clock endpoints, never jest.useFakeTimers
// (with it, a module would keep the Date it loaded with).
'use strict'
const { createHash } = require('node:crypto')
const swcJest = require('@swc/jest')

const BOUND = [
  'Object',
  'Array',
  'RegExp',
  'Date',
  'Math',
  'JSON',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Reflect',
  'Proxy',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'Buffer',
  'ArrayBuffer',
  'Uint8Array',
  'DataView',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'undefined',
]
const names = BOUND.join(', ')
const values = BOUND.map((n) => (n === 'undefined' ? 'void 0' : n)).join(', ')
const PREFIX = `(function (${names}) { return function () {`
const SUFFIX = `\n} }).call(this, ${values}).apply(this, arguments);\n`

/** Wraps a module's code; a leading `#!` line (bin scripts) becomes a comment, keeping the line count. */
function bind(code) {
  const body = code.startsWith('#!') ? `//${code.slice(2)}` : code
  return `${PREFIX}${body}${SUFFIX}`
}

/** Packages shipped as ES modules, compiled like our sources (jest.config.js lists them). */
function createTransformer({ swc, compiled }) {
  const compile = swcJest.createTransformer(swc)
  const compiledRe = new RegExp(compiled)
  const needsSwc = (filename) => !filename.includes('/node_modules/') || compiledRe.test(filename)
  return {
    process(src, filename, options) {
      if (!needsSwc(filename)) return { code: bind(src) }
      const out = compile.process(src, filename, options)
      return { ...out, code: bind(out.code) }
    },
    getCacheKey(src, filename, options) {
      const base = needsSwc(filename) ? compile.getCacheKey(src, filename, options) : src
      return createHash('sha1').update(base).update('\0').update(PREFIX).update(SUFFIX).update(filename).digest('hex')
    },
  }
}

module.exports = { createTransformer }

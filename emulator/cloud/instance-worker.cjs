// One Cloud Development function instance: a worker thread with its own process.env, which loads the
// function's index.js as Cloud Development does (plain require, strict mode as written, wx-server-sdk
// from the function's node_modules or else the local stack's) and runs one invocation at a time.
// Before each invocation the runtime's WX_* and TCB_* variables of that invocation replace the previous
// one's, which is how the real SDK's getWXContext() learns who is calling.
//
// A thread can be reused for a new instance (instances.ts, ThreadBank: tests only): "adopt" replaces its
// whole environment and loads the function afresh, while what was required from node_modules (the real
// wx-server-sdk's tree, ~0.3 s of CPU to load) stays loaded.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const Module = require('node:module')

process.setSourceMapsEnabled(true)
// Cloud Development installs wx-server-sdk from the function's package.json; here a function folder
// without node_modules gets the local stack's copy of the same pinned version.
const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (request, parent, isMain, options) {
  try {
    return resolveFilename.call(this, request, parent, isMain, options)
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND' || !/^wx-server-sdk(\/|$)/.test(request)) throw err
    return resolveFilename.call(this, request, parent, isMain, { paths: [workerData.fallbackModules] })
  }
}

let main
function load(file) {
  try {
    main = require(file).main
    if (typeof main !== 'function') throw new Error(`${file} exports no main function`)
    parentPort.postMessage({ type: 'ready' })
  } catch (err) {
    parentPort.postMessage({ type: 'loadError', message: (err && err.stack) || String(err) })
  }
}
load(workerData.file)

/** A module from node_modules (the SDK's tree): kept loaded when the thread is reused. */
const installed = (file) => file.includes('/node_modules/')

let invocationKeys = []
parentPort.on('message', async (msg) => {
  if (msg.type === 'park') {
    // Reusable only when nothing of the last instance is still running: no timer, socket or request.
    // (its own port to the host is the one resource it keeps)
    const busy = process.getActiveResourcesInfo().filter((r) => r !== 'MessagePort')
    parentPort.postMessage({ type: 'parked', clean: busy.length === 0 })
    return
  }
  if (msg.type === 'adopt') {
    for (const k of Object.keys(process.env)) delete process.env[k]
    Object.assign(process.env, msg.env)
    invocationKeys = []
    // The function's own modules load again (fresh module state, as in a new instance); node_modules stay.
    for (const k of Object.keys(require.cache)) if (!installed(k)) delete require.cache[k]
    // …and leave this module's children, which would otherwise keep every earlier instance's module graph
    // and state alive (~0.35 MB a load, measured; hundreds of loads ran a thread into its heap limit).
    module.children = module.children.filter((m) => installed(m.filename))
    load(msg.file)
    return
  }
  for (const k of invocationKeys) delete process.env[k]
  Object.assign(process.env, msg.env)
  invocationKeys = Object.keys(msg.env)
  try {
    const result = await main(msg.event, msg.context)
    parentPort.postMessage({ type: 'result', id: msg.id, json: JSON.stringify(result === undefined ? null : result) })
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: (err && err.stack) || String(err) })
  }
})

// A thread of round trips for the bench's floor: the real wx-server-sdk, as a function instance has it,
// reading one document by _id over and over against the local cloud's CloudBase API.
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const sdk = require('wx-server-sdk')

const db = sdk
  .createNewInstance({ env: 'local', serviceUrl: workerData.apiUrl, secretId: 'AKIDbench', secretKey: 'bench', timeout: 60000 })
  .database()

async function main() {
  // One warm-up call (loads the SDK's lazy parts), then wait for the start signal.
  await db.collection(workerData.collection).where({ _id: 'bench-floor' }).get()
  parentPort.postMessage('ready')
  await new Promise((r) => parentPort.once('message', r))
  let left = workerData.total
  const loop = async () => {
    while (left-- > 0) await db.collection(workerData.collection).where({ _id: 'bench-floor' }).get()
  }
  await Promise.all(Array.from({ length: workerData.concurrency }, loop))
  parentPort.postMessage('done')
}
main()

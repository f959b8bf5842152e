// readCloudbaserc's checks of a function's public network and fixed egress IP (publicNetConfig).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCloudbaserc } from './cloudbaserc'

const FIXED = { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'ENABLE' } }

/** A cloudbaserc.json with one function `fn` of these fields. */
function rcWith(fields: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rc-')), 'cloudbaserc.json')
  const fn = { name: 'fn', runtime: 'Nodejs18.15', timeout: 5, memorySize: 256, ...fields }
  writeFileSync(file, JSON.stringify({ version: '2.0', envId: '{{env.TCB_ENV_ID}}', functionRoot: '.', functions: [fn] }))
  return file
}

test('a fixed egress IP is read as declared', () => {
  const rc = readCloudbaserc(rcWith({ envVariables: { WX_SA_SECRET: '{{env.WX_SA_SECRET}}' }, publicNetConfig: FIXED }))
  expect(rc.functions[0]!.publicNetConfig).toEqual(FIXED)
})

test('a function that holds WX_SA_SECRET without a fixed egress IP is refused, saying what to declare', () => {
  for (const publicNetConfig of [undefined, { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'DISABLE' } }])
    expect(() => readCloudbaserc(rcWith({ envVariables: { WX_SA_SECRET: '{{env.WX_SA_SECRET}}' }, publicNetConfig }))).toThrow(
      /fn holds WX_SA_SECRET, so it may fetch the access_token, .* it needs a fixed egress IP, "publicNetConfig": \{"PublicNetStatus": "ENABLE", "EipConfig": \{"EipStatus": "ENABLE"\}\}/,
    )
})

test('a function without the AppSecret may go without one (the platform default: public network, no fixed IP)', () => {
  expect(readCloudbaserc(rcWith({})).functions[0]!.publicNetConfig).toBeUndefined()
})

test('a fixed egress IP without public network access, or a value that is not ENABLE/DISABLE, is refused', () => {
  expect(() => readCloudbaserc(rcWith({ publicNetConfig: { PublicNetStatus: 'DISABLE', EipConfig: { EipStatus: 'ENABLE' } } }))).toThrow(
    /fn.publicNetConfig: a fixed egress IP \(EipStatus "ENABLE"\) works only with public network access/,
  )
  expect(() => readCloudbaserc(rcWith({ publicNetConfig: { PublicNetStatus: 'ON', EipConfig: { EipStatus: 'ENABLE' } } }))).toThrow(
    /fn.publicNetConfig.PublicNetStatus must be "ENABLE" or "DISABLE"/,
  )
  expect(() => readCloudbaserc(rcWith({ publicNetConfig: { PublicNetStatus: 'ENABLE' } }))).toThrow(
    /fn.publicNetConfig.EipConfig.EipStatus must be "ENABLE" or "DISABLE"/,
  )
})

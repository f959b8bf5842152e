// The H5 preview as a person uses it: the app loads, the switcher changes who is acting, and each
// person sees their own Mini Program openid as card.whoami reports it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { e2eSuite, phonePage, snap } from './browser'

const suite = e2eSuite()

test('switching between alice and bob shows each one’s own openid from card.whoami', async () => {
  const alice = suite.stack().wechat.users.get('alice')!
  const bob = suite.stack().wechat.users.get('bob')!
  assert.notEqual(alice.mpOpenid, bob.mpOpenid)
  const page = await phonePage(suite.browser())
  await page.goto(suite.stack().preview!.url)
  await page.getByText(`Signed in as ${alice.mpOpenid}`).waitFor({ timeout: 15000 })
  assert.ok(await page.getByText('No gift cards yet').isVisible())
  await snap(page, 'preview-1-alice')

  await page.locator('#preview-switcher button[data-user="bob"]').click()
  await page.getByText(`Signed in as ${bob.mpOpenid}`).waitFor({ timeout: 15000 })
  assert.equal(await page.getByText(`Signed in as ${alice.mpOpenid}`).count(), 0)
  await snap(page, 'preview-2-bob')
  await page.close()
})

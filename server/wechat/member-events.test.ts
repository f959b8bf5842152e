import { dedupKey, parseEvent } from './events'

const update = (bonus: number, balance: number) =>
  `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oSA1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[update_member_card]]></Event><CardId><![CDATA[pM]]></CardId><UserCardCode><![CDATA[8123]]></UserCardCode><ModifyBonus>${bonus}</ModifyBonus><ModifyBalance>${balance}</ModifyBalance></xml>`

test('two changes of one member card within a second are two events; the same push again is one', () => {
  expect(dedupKey(parseEvent(update(50, 0)))).not.toBe(dedupKey(parseEvent(update(900, 0))))
  expect(dedupKey(parseEvent(update(0, -5000)))).not.toBe(dedupKey(parseEvent(update(0, 20000))))
  expect(dedupKey(parseEvent(update(50, 0)))).toBe(dedupKey(parseEvent(update(50, 0))))
})

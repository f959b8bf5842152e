import { ackFor, dedupKey, EventParseError, parseEvent } from './events'

// gift-card-api.en.txt §10 and §11, verbatim (including the spaces around CDATA in two of them).
const PAY_DONE = `<xml>
<ToUserName><![CDATA[gh_3fcea188bf78]]></ToUserName>
<FromUserName><![CDATA[obLatjgoYejavUtHsWwrX-2GtFJE]]></FromUserName>
<CreateTime>1472631550</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[giftcard_pay_done]]></Event>
<PageId><![CDATA[OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=]]></PageId>
<OrderId><![CDATA[Z2y2rY74ksZX1ceuGA]]></OrderId>
</xml>`
const SEND_TO_FRIEND = `<xml><ToUserName><![CDATA[gh_3fcea188bf78]]></ToUserName><FromUserName><![CDATA[obLatjgoYejavUtHsWwrX-2GtFJE]]></FromUserName><CreateTime>1472631550</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[giftcard_send_to_friend]]></Event><PageId><![CDATA[OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=]]></PageId><OrderId><![CDATA[Z2y2rY74ksZX1ceuGA]]></OrderId><IsChatRoom>true</IsChatRoom><IsReturnBack><![CDATA[true]]></IsReturnBack></xml>`
const USER_GET_CARD = `<xml>
<ToUserName> <![CDATA[gh_fc0a06a20993]]> </ToUserName>
<FromUserName> <![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]> </FromUserName>
<CreateTime>1472551036</CreateTime>
<MsgType> <![CDATA[event]]> </MsgType>
<Event> <![CDATA[user_get_card]]> </Event>
<CardId> <![CDATA[pZI8Fjwsy5fVPRBeD78J4RmqVvBc]]> </CardId>
<IsGiveByFriend>0</IsGiveByFriend>
<UserCardCode> <![CDATA[226009850808]]> </UserCardCode>
<FriendUserName> <![CDATA[]]> </FriendUserName>
<OldUserCardCode> <![CDATA[]]> </OldUserCardCode>
</xml>`
const GIFTING = `<xml><ToUserName><![CDATA[gh_3fcea188bf78]]></ToUserName><FromUserName><![CDATA[obLatjjwDolFjRRd3doGIdwNqRXw]]></FromUserName><CreateTime>1474181868</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[user_gifting_card]]></Event><CardId><![CDATA[pbLatjhU-3pik3d4PsbVzvBxZvJc]]></CardId><UserCardCode><![CDATA[297466945104]]></UserCardCode><IsReturnBack>0</IsReturnBack><FriendUserName><![CDATA[obLatjlNerkb62HtSdQUx66C4NTU]]></FriendUserName><IsChatRoom>0</IsChatRoom></xml>`
const INVOICE = `<xml> <ToUserName> <![CDATA[gh_fc0a06a20993]]> </ToUserName> <FromUserName> <![CDATA[oZI8Fj040-be6rlDohc6gkoPOQTQ]]> </FromUserName> <CreateTime>1475134700</CreateTime> <MsgType> <![CDATA[event]]> </MsgType> <Event> <![CDATA[user_authorize_invoice]]> </Event> <SuccOrderId> <![CDATA[1202933957956]]> </SuccOrderId> <FailOrderId> <![CDATA[]]> </FailOrderId> <AppId> <![CDATA[]]> </AppId> <Source> <![CDATA[]]> </Source></xml>`

test('giftcard_pay_done as documented, answered <xml>ok</xml>', () => {
  const ev = parseEvent(PAY_DONE)
  expect(ev).toEqual({
    ToUserName: 'gh_3fcea188bf78',
    FromUserName: 'obLatjgoYejavUtHsWwrX-2GtFJE',
    CreateTime: 1472631550,
    MsgType: 'event',
    Event: 'giftcard_pay_done',
    known: true,
    PageId: 'OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=',
    OrderId: 'Z2y2rY74ksZX1ceuGA',
  })
  expect(ackFor(ev)).toBe('<xml>ok</xml>')
})

test('giftcard_send_to_friend booleans', () => {
  const ev = parseEvent(SEND_TO_FRIEND)
  expect(ev).toMatchObject({ Event: 'giftcard_send_to_friend', IsChatRoom: true, IsReturnBack: true })
})

test('user_get_card with whitespace around CDATA, answered success', () => {
  const ev = parseEvent(USER_GET_CARD)
  expect(ev).toMatchObject({
    Event: 'user_get_card',
    CardId: 'pZI8Fjwsy5fVPRBeD78J4RmqVvBc',
    UserCardCode: '226009850808',
    IsGiveByFriend: 0,
    FriendUserName: '',
    FromUserName: 'oZI8Fj040-be6rlDohc6gkoPOQTQ',
  })
  expect(ackFor(ev)).toBe('success')
})

test('user_gifting_card and user_authorize_invoice', () => {
  expect(parseEvent(GIFTING)).toMatchObject({
    Event: 'user_gifting_card',
    FriendUserName: 'obLatjlNerkb62HtSdQUx66C4NTU',
    IsReturnBack: 0,
    IsChatRoom: 0,
  })
  expect(parseEvent(INVOICE)).toMatchObject({ Event: 'user_authorize_invoice', SuccOrderId: '1202933957956', FailOrderId: '' })
})

test('an unknown event is kept with all its fields', () => {
  const ev = parseEvent(
    '<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>brand_new_event</Event><Foo>bar</Foo></xml>',
  )
  expect(ev).toEqual({
    ToUserName: 'gh',
    FromUserName: 'o1',
    CreateTime: 1,
    MsgType: 'event',
    Event: 'brand_new_event',
    known: false,
    fields: { Foo: 'bar' },
  })
})

test('one batch addCard: same FromUserName and CreateTime, different codes → different keys; a repeat → same key', () => {
  const second = USER_GET_CARD.replace('226009850808', '226009850809')
  expect(dedupKey(parseEvent(USER_GET_CARD))).not.toBe(dedupKey(parseEvent(second)))
  expect(dedupKey(parseEvent(USER_GET_CARD))).toBe(dedupKey(parseEvent(USER_GET_CARD)))
  const otherOrder = PAY_DONE.replace('Z2y2rY74ksZX1ceuGA', 'Z2y2rY74ksZX1ceuGB')
  expect(dedupKey(parseEvent(PAY_DONE))).not.toBe(dedupKey(parseEvent(otherOrder)))
})

test('entity declarations, oversize and malformed bodies are refused', () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><ToUserName>&e;</ToUserName></xml>`
  expect(() => parseEvent(xxe)).toThrow(/DOCTYPE or ENTITY/)
  expect(() => parseEvent(`<xml><A>${'x'.repeat(70000)}</A></xml>`)).toThrow(/over 65536 bytes/)
  expect(() => parseEvent('<xml><ToUserName>gh</ToUserName>')).toThrow(EventParseError)
  expect(() => parseEvent('<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><MsgType>event</MsgType></xml>')).toThrow(
    /CreateTime is missing/,
  )
  expect(() => parseEvent(USER_GET_CARD.replace('<IsGiveByFriend>0', '<IsGiveByFriend>x'))).toThrow(/IsGiveByFriend must be an integer/)
})

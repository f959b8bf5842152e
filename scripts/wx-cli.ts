// `npm run wx -- <command>`: answers the questions users of every WeChat SDK keep asking.
//   card-sign     the card_ext signature: sorted concatenation, signature and the cardExt JSON
//   push-decrypt  a safe-mode push (XML on stdin) → plaintext XML, or the exact reason it was refused
//   push-verify   the server URL signature check
import { buildCardExt, cardSignString } from '../server/wechat/card-ext'
import { parseXmlFields } from '../server/wechat/events'
import { PushCrypto, PushRejected } from '../server/wechat/push-crypto'
import { signaturesMatch, urlSignature } from '../server/wechat/push-signature'
import { parseFlags, readStdin, requireFlags, usage, UsageError } from './cli-args'

const COMMANDS = {
  'card-sign': {
    flags: {
      'api-ticket': 'the wx_card api_ticket',
      'card-id': 'card_id',
      code: 'code (custom-code cards)',
      openid: 'openid (bind_openid cards)',
      timestamp: 'Unix seconds (default now)',
      'nonce-str': 'nonce_str (default random)',
    },
    required: ['api-ticket', 'card-id'],
  },
  'push-decrypt': {
    flags: {
      token: 'the server Token',
      'aes-key': 'EncodingAESKey (43 characters)',
      appid: 'the Service Account appid',
      timestamp: 'timestamp query parameter',
      nonce: 'nonce query parameter',
      'msg-signature': 'msg_signature query parameter',
      'max-skew': 'seconds a timestamp may be off (default: no check)',
    },
    required: ['token', 'aes-key', 'appid', 'timestamp', 'nonce', 'msg-signature'],
  },
  'push-verify': {
    flags: { token: 'the server Token', timestamp: 'timestamp', nonce: 'nonce', signature: 'signature' },
    required: ['token', 'timestamp', 'nonce', 'signature'],
  },
} as const

type Command = keyof typeof COMMANDS

function help(): string {
  return [
    'usage: npm run wx -- <command> [flags]   (--help on any command)',
    '',
    ...Object.entries(COMMANDS).map(([c, d]) => usage(c, d.flags, [...d.required])),
  ].join('\n\n')
}

async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv
  if (!cmd || cmd === '--help' || cmd === '-h') {
    console.log(help())
    return cmd ? 0 : 2
  }
  if (!(cmd in COMMANDS)) throw new UsageError(`unknown command ${cmd}; known: ${Object.keys(COMMANDS).join(', ')}`)
  const spec = COMMANDS[cmd as Command]
  const f = parseFlags(rest, spec.flags)
  if (f.help) {
    console.log(usage(cmd, spec.flags, [...spec.required]))
    return 0
  }
  requireFlags(f, [...spec.required])

  if (cmd === 'card-sign') {
    const ts = f.timestamp === undefined ? undefined : Number(f.timestamp)
    if (ts !== undefined && (!Number.isInteger(ts) || ts <= 0)) throw new UsageError('--timestamp must be whole seconds')
    const ext = buildCardExt({
      apiTicket: f['api-ticket']!,
      cardId: f['card-id']!,
      code: f.code,
      openid: f.openid,
      timestamp: ts,
      nonceStr: f['nonce-str'],
    })
    const sorted = cardSignString({
      apiTicket: f['api-ticket']!,
      cardId: f['card-id']!,
      code: f.code,
      openid: f.openid,
      timestamp: ext.timestamp,
      nonceStr: ext.nonceStr,
    })
    console.log(`sorted:    ${sorted}`)
    console.log(`signature: ${ext.signature}`)
    console.log(`cardExt:   ${ext.cardExt}`)
    return 0
  }

  if (cmd === 'push-verify') {
    const expected = urlSignature(f.token!, f.timestamp!, f.nonce!)
    if (signaturesMatch(expected, f.signature)) {
      console.log('signature ok')
      return 0
    }
    console.error(`signature does not match: expected ${expected}`)
    return 1
  }

  // push-decrypt
  const maxSkew = f['max-skew'] === undefined ? Number.MAX_SAFE_INTEGER : Number(f['max-skew'])
  const crypto = new PushCrypto({ token: f.token!, encodingAesKey: f['aes-key']!, appid: f.appid!, maxSkewSeconds: maxSkew })
  const xml = await readStdin()
  try {
    const envelope = parseXmlFields(xml)
    const encrypt = envelope.Encrypt
    if (!encrypt) throw new PushRejected('the XML has no <Encrypt> element (a plaintext push?)')
    crypto.verifyMsg({ msg_signature: f['msg-signature'], timestamp: f.timestamp, nonce: f.nonce }, encrypt)
    console.log(crypto.decrypt(encrypt))
    return 0
  } catch (err) {
    console.error(`rejected: ${(err as Error).message}`)
    return 1
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof UsageError ? `${err.message}\n\n${help()}` : (err as Error).stack)
    process.exit(2)
  },
)

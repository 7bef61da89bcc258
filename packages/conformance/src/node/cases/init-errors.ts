import { generateEphemeralKey, getPublicKey } from '@fabstir/crypto'
import type { CaseContext, NodeCase } from '../case.js'
import { NotServed } from '../probe.js'
import { buildInit, type InitOptions } from '../session-crypto.js'
import { expectError, initEncrypted } from '../steps.js'

const INIT_FIELDS = ['ephPubHex', 'ciphertextHex', 'signatureHex', 'nonceHex', 'aadHex'] as const

/** Send a (broken) init and require error `code` with the init's session_id; then prove the socket still works. */
async function initFails(ctx: CaseContext, code: string, options: InitOptions): Promise<void> {
  const key = ctx.target.nodePublicKey
  if (!key) throw new NotServed('no --node-key given')
  const probe = await ctx.connect()
  const built = buildInit(key, ctx.wallet, { id: 'bad-init', ...options })
  probe.send(built.frame)
  await expectError(probe, code, { id: 'bad-init', sessionId: built.sessionId })
  await initEncrypted(ctx, probe, { id: 'good-init' })
}

interface Row {
  title: string
  code: string
  options: InitOptions
  spec: string
}

const ROWS: Row[] = [
  {
    title: 'an init without payload',
    code: 'MISSING_PAYLOAD',
    spec: 'PROTOCOL §8',
    options: { omitPayload: true },
  },
  ...INIT_FIELDS.map(
    (field): Row => ({
      title: `a payload without ${field}`,
      code: 'INVALID_PAYLOAD',
      spec: 'PROTOCOL §8: init payload lacks one of its five fields',
      options: {
        mutatePayload: (p) => {
          delete p[field]
        },
      },
    }),
  ),
  ...INIT_FIELDS.map(
    (field): Row => ({
      title: `${field} that is not hex`,
      code: 'INVALID_HEX_ENCODING',
      spec: 'PROTOCOL §3, §8',
      options: {
        mutatePayload: (p) => {
          p[field] = `zz${p[field]!.slice(2)}`
        },
      },
    }),
  ),
  {
    title: 'an odd-length nonceHex',
    code: 'INVALID_HEX_ENCODING',
    spec: 'PROTOCOL §3: odd length is an error',
    options: {
      mutatePayload: (p) => {
        p.nonceHex = p.nonceHex!.slice(1)
      },
    },
  },
  {
    title: 'a 12-byte nonce',
    code: 'INVALID_NONCE_SIZE',
    spec: 'PROTOCOL §8',
    options: {
      mutatePayload: (p) => {
        p.nonceHex = p.nonceHex!.slice(0, 24)
      },
    },
  },
  {
    title: 'a tampered ciphertext',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    options: { tamper: true },
  },
  {
    title: 'an aadHex that is not the AAD the data was sealed with',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: the node opens with the AAD as sent',
    options: { claimAad: 'session_init_x' },
  },
  {
    title: 'a zero signature',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    options: { signature: 'zeros' },
  },
  {
    title: 'a truncated (64-byte) signature',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: 65 bytes r‖s‖v',
    options: {
      mutatePayload: (p) => {
        p.signatureHex = p.signatureHex!.slice(0, 128)
      },
    },
  },
  {
    title: 'an ephemeral key that is not a curve point',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §8: bad key point',
    options: {
      mutatePayload: (p) => {
        p.ephPubHex = `02${'ff'.repeat(32)}`
      },
    },
  },
  {
    title: 'session data that is not JSON',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    options: { plaintext: 'not json' },
  },
  {
    title: 'a numeric jobId',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: jobId is a string; a JSON number is rejected',
    options: { data: { jobId: undefined, extra: ['"jobId":15'] } },
  },
  {
    title: 'a string pricePerToken',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: a string, float or negative is rejected',
    options: { data: { pricePerTokenJson: '"0.0001"' } },
  },
  {
    title: 'a float pricePerToken',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4',
    options: { data: { pricePerTokenJson: '1.5' } },
  },
  {
    title: 'a negative pricePerToken',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4',
    options: { data: { pricePerTokenJson: '-1' } },
  },
  {
    title: 'a pricePerToken above u64',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: u64',
    options: { data: { pricePerTokenJson: '18446744073709551616' } },
  },
  {
    title: 'session data without sessionKey',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4',
    options: { data: { sessionKeyHex: undefined } },
  },
  {
    title: 'a sessionKey that is not hex',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    options: { data: { sessionKeyHex: 'xyz' } },
  },
  {
    title: 'a 16-byte sessionKey',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: 32 random bytes',
    options: { data: { sessionKeyHex: '00112233445566778899aabbccddeeff' } },
  },
  {
    title: 'session data without modelName',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §4: required',
    options: { data: { modelName: undefined } },
  },
  {
    title: 'snake_case session data',
    code: 'DECRYPTION_FAILED',
    spec: 'PROTOCOL §11.4',
    options: { plaintext: snakeCase() },
  },
]

function snakeCase(): string {
  return `{"session_key":"${'11'.repeat(32)}","job_id":"1","model_name":"m","price_per_token":2272727273}`
}

export const initErrorCases: NodeCase[] = [
  {
    id: '3.01',
    group: 'init-errors',
    title: 'a node without a host key answers ENCRYPTION_NOT_SUPPORTED',
    spec: 'PROTOCOL §8',
    needs: ['no-encryption'],
    async run(ctx) {
      const probe = await ctx.connect()
      const someKey = getPublicKey(generateEphemeralKey().privateKey, true)
      const built = buildInit(ctx.target.nodePublicKey ?? someKey, ctx.wallet, { id: 'no-key' })
      probe.send(built.frame)
      await expectError(probe, 'ENCRYPTION_NOT_SUPPORTED', { id: 'no-key', sessionId: built.sessionId })
    },
  },
  {
    id: '3.02',
    group: 'init-errors',
    title: 'an init sealed to another key fails with DECRYPTION_FAILED',
    spec: 'PROTOCOL §8',
    needs: ['encryption'],
    async run(ctx) {
      await initFails(ctx, 'DECRYPTION_FAILED', {
        sealTo: getPublicKey(generateEphemeralKey().privateKey, true),
      })
    },
  },
  ...ROWS.map(
    (row, i): NodeCase => ({
      id: `3.${String(i + 3).padStart(2, '0')}`,
      group: 'init-errors',
      title: `${row.title} fails with ${row.code}`,
      spec: row.spec,
      needs: ['encryption'],
      run: (ctx) => initFails(ctx, row.code, row.options),
    }),
  ),
]

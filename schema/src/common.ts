import { Type } from '@sinclair/typebox'
import { Count, Hex, named, Pattern, U64 } from './keywords.js'

/** The client-chosen session identifier. Must be a JSON string: the node treats a numeric `session_id` as absent. */
export const SessionId = Type.String({
  description:
    'Client-chosen session identifier. Must be a JSON string: the node treats a number as if the field were absent.',
  examples: ['sess-7f3c2a'],
})

/** A request id: a string chosen by the client and echoed by the node on every reply to that request. */
export const RequestId = Type.String({
  description: 'Request id chosen by the client; the node echoes it on every reply to that request.',
  examples: ['req-1'],
})

/** An EVM chain id. */
export const ChainId = Count('EVM chain id: 84532 (Base Sepolia, the node default) or 5611.', {
  examples: [84532],
})

/** A job id as JSON integer (u64) or decimal string — ignored by the node in `encrypted_session_init`. */
export const WireJobId = Type.Union(
  [
    U64('Job id as a JSON integer (u64).'),
    Pattern('Job id as a decimal string.', '^[0-9]+$', 'a decimal string', { maxLength: 20 }),
  ],
  { description: 'On-chain job id (integer or decimal string).' },
)

/** Ciphertext hex: encrypted bytes followed by the 16-byte Poly1305 tag, so at least 16 bytes. */
export const CiphertextHex = Hex('XChaCha20-Poly1305 ciphertext ‖ 16-byte tag, hex.', { minBytes: 16 })

/** The 24-byte XChaCha20 nonce, hex. */
export const NonceHex = Hex('Fresh random 24-byte XChaCha20 nonce, hex (48 digits).', { sizes: [24] })

/** Additional authenticated data, hex of its ASCII text (e.g. `message_0`). */
export const AadHex = Hex('Hex of the ASCII AAD the payload was sealed with.')

/** The common sealed payload `{ciphertextHex, nonceHex, aadHex}` of `encrypted_message` and `encrypted_response`. */
export const EncryptedPayload = named(
  'EncryptedPayload',
  Type.Object(
    {
      ciphertextHex: CiphertextHex,
      nonceHex: NonceHex,
      aadHex: AadHex,
    },
    {
      description:
        'A sealed payload: XChaCha20-Poly1305 with the session key. Hex fields accept an optional lowercase 0x prefix ' +
        'and either case; the node emits lowercase without 0x.',
      examples: [
        {
          ciphertextHex: '5f1c0e9a7b3d2c4e8f60a1b2c3d4e5f60718293a4b5c6d7e',
          nonceHex: '801ffff88a59b13d3b9843ace2f2220ff49736c0215279d9',
          aadHex: '6d6573736167655f30',
        },
      ],
    },
  ),
)

/** An Ethereum address as the node echoes it: `0x` + 40 lowercase hex digits. */
export const LowercaseAddress = Pattern(
  'Ethereum address, 0x followed by 40 lowercase hex digits.',
  '^0x[0-9a-f]{40}$',
  '0x followed by 40 lowercase hex digits',
)

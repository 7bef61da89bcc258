/**
 * Every example frame of PROTOCOL.md, transcribed as JSON text with concrete values filled in (the protocol text
 * elides them). Hex values have the right sizes but are not real ciphertexts.
 */

/** 24-byte nonces. */
export const NONCE = [
  '801ffff88a59b13d3b9843ace2f2220ff49736c0215279d9',
  'e0463c975715614f3a7b09322c1c517dfb3ebede0580f553',
]
/** A 33-byte compressed ephemeral public key. */
export const EPH_PUB = '03a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'
/** A 65-byte r ‖ s ‖ v signature. */
export const SIGNATURE = `${'ab'.repeat(64)}01`
/** A 48-byte ciphertext (32 bytes of data + 16-byte tag). */
export const CIPHERTEXT = 'cd'.repeat(48)
/** A 16-byte ciphertext: empty plaintext + tag. */
export const EMPTY_CIPHERTEXT = '57c6509c78dfcc3db976fc4c87c8e142'

const hex = (s: string) => Buffer.from(s, 'ascii').toString('hex')

/** One fixture: which frame type it is and the JSON text. */
export interface Fixture {
  name: string
  direction: 'client' | 'node'
  text: string
}

const frame = (name: string, direction: 'client' | 'node', value: unknown): Fixture => ({
  name,
  direction,
  text: JSON.stringify(value),
})

/** §1–§10 frames. */
export const FIXTURES: Fixture[] = [
  // §1: right after the upgrade.
  frame('connected', 'node', { type: 'connected', message: 'WebSocket connected successfully' }),
  // §4: session init.
  frame('encrypted_session_init', 'client', {
    type: 'encrypted_session_init',
    id: 'init-1',
    session_id: 'sess-1',
    chain_id: 84532,
    job_id: 12345,
    payload: {
      ephPubHex: EPH_PUB,
      ciphertextHex: CIPHERTEXT,
      signatureHex: SIGNATURE,
      nonceHex: NONCE[0],
      aadHex: hex('session_init'),
    },
  }),
  frame('session_init_ack (encrypted)', 'node', {
    type: 'session_init_ack',
    status: 'success',
    session_id: 'sess-1',
    job_id: 12345,
    chain_id: 84532,
    client_address: '0xa69b2d97da06895ab33f19e7cc2353f1a0e91e73',
    message: 'Encrypted session initialized',
    id: 'init-1',
  }),
  frame('session_init_ack (job_id null)', 'node', {
    type: 'session_init_ack',
    status: 'success',
    session_id: 'sess-1',
    job_id: null,
    chain_id: 84532,
    client_address: '0xa69b2d97da06895ab33f19e7cc2353f1a0e91e73',
    message: 'Encrypted session initialized',
    id: 'init-1',
  }),
  // §5: prompt.
  frame('encrypted_message', 'client', {
    type: 'encrypted_message',
    id: 'req-1',
    session_id: 'sess-1',
    payload: { ciphertextHex: CIPHERTEXT, nonceHex: NONCE[1], aadHex: hex('message_0') },
  }),
  // §6: responses, in order.
  frame('encrypted_chunk', 'node', {
    type: 'encrypted_chunk',
    id: 'req-1',
    session_id: 'sess-1',
    tokens: 1,
    payload: { ciphertextHex: CIPHERTEXT, nonceHex: NONCE[0], aadHex: hex('chunk_0'), index: 0 },
  }),
  frame('encrypted_chunk (final)', 'node', {
    type: 'encrypted_chunk',
    id: 'req-1',
    session_id: 'sess-1',
    tokens: 0,
    final: true,
    payload: { ciphertextHex: EMPTY_CIPHERTEXT, nonceHex: NONCE[1], aadHex: hex('chunk_1'), index: 1 },
  }),
  frame('encrypted_response', 'node', {
    type: 'encrypted_response',
    id: 'req-1',
    session_id: 'sess-1',
    payload: { ciphertextHex: EMPTY_CIPHERTEXT, nonceHex: NONCE[0], aadHex: hex('encrypted_response_final') },
  }),
  frame('stream_end (complete)', 'node', {
    type: 'stream_end',
    reason: 'complete',
    tokens_used: 1,
    id: 'req-1',
    session_id: 'sess-1',
    finish_reason: 'stop',
    usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13, context_window_size: 8192 },
  }),
  // §7: cancel.
  frame('stream_cancel', 'client', { type: 'stream_cancel', session_id: 'sess-1' }),
  frame('stream_end (cancelled)', 'node', {
    type: 'stream_end',
    reason: 'cancelled',
    finish_reason: 'cancelled',
    tokens_used: 3,
    id: 'req-1',
    session_id: 'sess-1',
  }),
  // §8: errors.
  frame('error shape A', 'node', {
    type: 'error',
    code: 'SESSION_KEY_NOT_FOUND',
    message: 'Session key not found',
    session_id: 'sess-1',
    id: 'req-2',
  }),
  frame('error shape A (no ids)', 'node', {
    type: 'error',
    code: 'MISSING_SESSION_ID',
    message: 'Missing session id',
  }),
  frame('error shape A (token limit)', 'node', {
    type: 'error',
    code: 'TOKEN_LIMIT_EXCEEDED',
    message: 'Prompt too long',
    session_id: 'sess-1',
    id: 'req-3',
    prompt_tokens: 9000,
    context_window_size: 8192,
  }),
  frame('error shape B', 'node', { type: 'error', error: 'Rate limit exceeded, retry after 60 seconds' }),
  frame('stream_end (error)', 'node', { type: 'stream_end', reason: 'error', tokens_used: 0 }),
  // §10: plaintext fallback.
  frame('session_init', 'client', {
    type: 'session_init',
    id: 'init-1',
    session_id: 'sess-1',
    job_id: 12345,
    chain_id: 84532,
  }),
  frame('session_init_ack (plaintext)', 'node', {
    type: 'session_init_ack',
    status: 'success',
    session_id: 'sess-1',
    job_id: 12345,
    chain_id: 84532,
    message: 'Session initialized',
    id: 'init-1',
  }),
  frame('prompt', 'client', {
    type: 'prompt',
    id: 'req-1',
    session_id: 'sess-1',
    prompt: 'Hello',
    max_tokens: 100,
    temperature: 0.7,
    model: 'tinyllama',
  }),
  frame('stream_chunk', 'node', { type: 'stream_chunk', content: 'Hi', tokens: 1, id: 'req-1' }),
  frame('stream_chunk (last)', 'node', { type: 'stream_chunk', content: '', tokens: 0, id: 'req-1' }),
  frame('stream_end (plaintext)', 'node', {
    type: 'stream_end',
    reason: 'complete',
    tokens_used: 1,
    id: 'req-1',
  }),
]

/** §4 session data (the decrypted init plaintext). */
export const SESSION_DATA_TEXT = JSON.stringify({
  sessionKey: '62374fa6626b07fcd957b594dbcd2aeafe1e33d371fe43996734c75d9a953263',
  jobId: '12345',
  modelName: 'tinyllama',
  pricePerToken: 2272727273,
})

/** §5 prompt object. */
export const PROMPT_TEXT = JSON.stringify({
  prompt: 'What is 2+2?',
  model: 'tinyllama',
  max_tokens: 4000,
  temperature: 0.7,
  thinking: 'low',
  web_search: true,
  max_searches: 3,
  search_queries: ['two plus two'],
  images: [{ data: 'iVBORw0KGgo=', format: 'png' }],
})

/** Deep copy of a fixture's parsed value, for mutation. */
export function fixture(name: string): Record<string, unknown> {
  const f = FIXTURES.find((x) => x.name === name)
  if (f === undefined) throw new Error(`no fixture ${name}`)
  return JSON.parse(f.text) as Record<string, unknown>
}

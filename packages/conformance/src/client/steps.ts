import type { ReceivedInit, ReceivedPrompt, ScriptContext } from './script.js'

/** The answer every faithful case streams, one word per chunk. */
export const ANSWER_CHUNKS = ['Conformance', ' answer:', ' every', ' chunk', ' arrived.'] as const
/** The text a conforming client delivers for {@link ANSWER_CHUNKS}. */
export const ANSWER_TEXT = ANSWER_CHUNKS.join('')

/** Receive the init and acknowledge it as a real node does (with optional field overrides). */
export async function handshake(s: ScriptContext, ack: Record<string, unknown> = {}): Promise<ReceivedInit> {
  const init = await s.receiveInit()
  s.send({
    type: 'session_init_ack',
    status: 'success',
    session_id: init.sessionId,
    job_id: typeof init.jobId === 'string' && /^\d+$/.test(init.jobId) ? Number(init.jobId) : null,
    chain_id: 84532,
    client_address: init.clientAddress,
    message: 'Encrypted session initialized successfully',
    id: init.id,
    ...ack,
  })
  return init
}

/** One encrypted chunk as the node sends it (index i, AAD chunk_i unless told otherwise). */
export function chunk(
  s: ScriptContext,
  p: ReceivedPrompt,
  index: number,
  text: string,
  o: { final?: boolean; aad?: string; announceAad?: string; tamper?: boolean; label?: number } = {},
): void {
  const payload = s.sealed(text, o.aad ?? `chunk_${index}`, o)
  const frame: Record<string, unknown> = {
    type: 'encrypted_chunk',
    id: p.id,
    session_id: p.sessionId,
    tokens: o.final ? 0 : 1,
    payload: { ...payload, index: o.label ?? index },
  }
  if (o.final) frame.final = true
  s.send(frame)
}

/** The authenticated end: `encrypted_response` sealed under `encrypted_response_final`. */
export function finalResponse(
  s: ScriptContext,
  p: ReceivedPrompt,
  reason = 'stop',
  o: { aad?: string; tamper?: boolean } = {},
): void {
  s.send({
    type: 'encrypted_response',
    id: p.id,
    session_id: p.sessionId,
    payload: s.sealed(reason, o.aad ?? 'encrypted_response_final', o),
  })
}

/** The plaintext `stream_end` of a complete answer. */
export function streamEnd(
  s: ScriptContext,
  p: ReceivedPrompt,
  tokens: number,
  extra: Record<string, unknown> = {},
): void {
  s.send({
    type: 'stream_end',
    reason: 'complete',
    tokens_used: tokens,
    id: p.id,
    session_id: p.sessionId,
    ...extra,
  })
}

/** A whole faithful answer: every chunk, the final chunk, `encrypted_response`, `stream_end`. */
export async function faithfulAnswer(
  s: ScriptContext,
  p: ReceivedPrompt,
  chunks: readonly string[] = ANSWER_CHUNKS,
  delayMs = 0,
): Promise<void> {
  for (const [i, text] of chunks.entries()) {
    chunk(s, p, i, text)
    if (delayMs > 0) await s.sleep(delayMs)
  }
  chunk(s, p, chunks.length, '', { final: true })
  finalResponse(s, p)
  streamEnd(s, p, chunks.length)
}

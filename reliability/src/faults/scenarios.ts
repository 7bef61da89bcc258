import { expectedAnswer, type Faults } from '@fabstir/node-sim'
import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import type { ClientSession } from '@fabstir/transport-ws'
import { SESSION_OPTIONS, testIdentity } from '../common/identities.js'
import type { OutboundAction } from '../common/scripted-node.js'
import { consume, outcomeOf } from './consume.js'
import {
  type ActResult,
  FAULT_PROMPT,
  type FaultContext,
  type FaultScenario,
  FOLLOW_UP_PROMPT,
  waitForStatus,
} from './harness.js'
import { HOSTILE_SCENARIOS } from './hostile-scenarios.js'

/** Chunk index that every chunk-level fault hits (chunks 0 and 1 are authentic and may be delivered). */
const K = 2

async function followUp(session: ClientSession): Promise<boolean> {
  const next = await consume(session.stream(FOLLOW_UP_PROMPT))
  return next.reply?.text === expectedAnswer(FOLLOW_UP_PROMPT)
}

/** Start a session, inject `faults`, stream the fault prompt; when the session survives, clear and prompt again. */
async function promptWithFaults(ctx: FaultContext, faults: Faults): Promise<ActResult> {
  const session = await ctx.client().startSession(SESSION_OPTIONS)
  ctx.setFaults(faults)
  const consumed = await consume(session.stream(FAULT_PROMPT))
  ctx.setFaults({})
  if (session.status === 'failed') return { code: consumed.code, consumed, state: 'failed', alive: false }
  const ok = await followUp(session)
  return {
    code: consumed.code,
    consumed,
    state: `${session.status}; next prompt ${ok ? 'OK' : 'FAILED'}`,
    alive: true,
  }
}

function chunkFault(fault: string, faults: Faults, expected: string, maxChunks: number): FaultScenario {
  return {
    fault,
    expected,
    expectedState: 'failed',
    delivery: { kind: 'prefix', maxChunks },
    node: () => ({ kind: 'sim' }),
    act: (ctx) => promptWithFaults(ctx, faults),
  }
}

async function startFails(ctx: FaultContext, overrides = {}): Promise<ActResult> {
  const client = ctx.client(overrides)
  const { code, untyped } = await outcomeOf(client.startSession(SESSION_OPTIONS))
  return { code, untyped, state: client.status, alive: false }
}

/** A scripted node that rewrites the frames of the first answer only (other frames pass untouched). */
function firstAnswerRewriter(
  rewrite: (
    frame: { type?: string; payload?: { index?: number } },
    text: string,
  ) => OutboundAction[] | undefined,
): (text: string) => OutboundAction[] | undefined {
  let firstId: unknown
  return (text) => {
    const frame = JSON.parse(text) as { type?: string; id?: unknown; payload?: { index?: number } }
    if (firstId === undefined && frame.type === 'encrypted_chunk') firstId = frame.id
    return firstId !== undefined && frame.id === firstId ? rewrite(frame, text) : undefined
  }
}

/** The answer before the faulty one on the same session (same session key): replay material for a MITM. */
const EARLIER_PROMPT = 'First an earlier answer on the same session key'

/** Prompt once normally, then stream the fault prompt (whose answer the scripted node tampers with). */
async function secondPrompt(ctx: FaultContext): Promise<ActResult> {
  const session = await ctx.client().startSession(SESSION_OPTIONS)
  await session.send(EARLIER_PROMPT)
  const consumed = await consume(session.stream(FAULT_PROMPT))
  if (session.status === 'failed') return { code: consumed.code, consumed, state: 'failed', alive: false }
  return { code: consumed.code, consumed, state: session.status, alive: true }
}

/** Frames of the second answer on a connection, with the first answer's chunks at hand (by index). */
function secondAnswerRewriter(
  rewrite: (
    frame: Record<string, unknown> & { payload?: { index?: number } },
    text: string,
    earlier: Map<number, string>,
  ) => OutboundAction[] | undefined,
): (text: string) => OutboundAction[] | undefined {
  const earlier = new Map<number, string>()
  let answers = 0
  return (text) => {
    const frame = JSON.parse(text) as Record<string, unknown> & {
      type?: string
      payload?: { index?: number }
    }
    if (frame.type === 'encrypted_chunk' && frame.payload?.index === 0) answers++
    if (answers === 1 && frame.type === 'encrypted_chunk') earlier.set(frame.payload?.index ?? -1, text)
    return answers === 2 ? rewrite(frame, text, earlier) : undefined
  }
}

async function scriptedPrompt(ctx: FaultContext, reconnects: boolean): Promise<ActResult> {
  const session = await ctx.client().startSession(SESSION_OPTIONS)
  const consumed = await consume(session.stream(FAULT_PROMPT))
  if (reconnects) await waitForStatus(session, 'encrypted')
  const ok = await followUp(session)
  const state = `${session.status}${reconnects ? ' (reconnected, re-keyed)' : ''}; next prompt ${ok ? 'OK' : 'FAILED'}`
  return { code: consumed.code, consumed, state, alive: true }
}

/**
 * The fault matrix: every fault of the brief, each against a node on 127.0.0.1 over real sockets, with the typed
 * error the caller must see, what may reach the caller, and the session state afterwards.
 */
export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  chunkFault(`tampered ciphertext (chunk ${K})`, { tamperChunk: K }, 'DECRYPTION_FAILED', K),
  chunkFault(
    `tampered AAD (chunk ${K} sealed as chunk_${K + 1})`,
    { wrongAadChunk: K },
    'DECRYPTION_FAILED',
    K,
  ),
  chunkFault(`reordered chunks (${K} ↔ ${K + 1})`, { reorderChunks: [K, K + 1] }, 'CHUNK_OUT_OF_ORDER', K),
  chunkFault(`replayed chunk (${K} sent twice)`, { replayChunk: K }, 'CHUNK_OUT_OF_ORDER', K + 1),
  chunkFault(`dropped chunk (${K})`, { dropChunk: K }, 'CHUNK_OUT_OF_ORDER', K),
  chunkFault('forged plaintext stream_end (truncation)', { forgeStreamEnd: true }, 'STREAM_TRUNCATED', 1),
  {
    fault: `cross-prompt replay (chunk ${K} of the previous answer, relabelled)`,
    expected: 'CHUNK_OUT_OF_ORDER',
    expectedState: 'failed',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => ({
      kind: 'scripted',
      options: {
        // The earlier answer's chunk K is a valid ciphertext under the same session key with AAD chunk_K: only
        // its (plaintext) request id must be changed for it to fit into the current answer.
        outbound: secondAnswerRewriter((frame, text, earlier) => {
          if (frame.type !== 'encrypted_chunk' || frame.payload?.index !== K) return undefined
          const replayed = JSON.parse(earlier.get(K) ?? text) as Record<string, unknown>
          replayed.id = frame.id
          return [{ text: JSON.stringify(replayed) }]
        }),
      },
    }),
    act: (ctx) => secondPrompt(ctx),
  },
  {
    fault: `tail truncation (chunk ${K} marked final, later chunks dropped)`,
    expected: 'STREAM_TRUNCATED',
    expectedState: 'failed',
    delivery: { kind: 'prefix', maxChunks: K + 1 },
    node: () => ({
      kind: 'scripted',
      options: {
        // \`final\` and \`tokens\` are plaintext: a MITM sets them on an authentic chunk and drops the rest; the
        // genuine encrypted_response (constant AAD) and stream_end then pass.
        outbound: secondAnswerRewriter((frame) => {
          if (frame.type !== 'encrypted_chunk') return undefined
          const index = frame.payload?.index ?? 0
          if (index > K) return []
          if (index === K) return [{ text: JSON.stringify({ ...frame, final: true, tokens: 0 }) }]
          return undefined
        }),
      },
    }),
    act: (ctx) => secondPrompt(ctx),
  },
  {
    fault: 'wrong client_address in the ack',
    expected: 'CLIENT_ADDRESS_MISMATCH',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim', options: { faults: { wrongClientAddress: `0x${'ab'.repeat(20)}` } } }),
    act: (ctx) => startFails(ctx),
  },
  {
    fault: `connection closed mid-stream (after chunk ${K})`,
    expected: 'CONNECTION_LOST',
    expectedState: 'encrypted (reconnected, re-keyed); next prompt OK',
    delivery: { kind: 'prefix', maxChunks: K + 1 },
    node: () => ({ kind: 'sim' }),
    act: async (ctx) => {
      const session = await ctx.client().startSession(SESSION_OPTIONS)
      ctx.setFaults({ closeMidStream: K })
      const consumed = await consume(session.stream(FAULT_PROMPT))
      ctx.setFaults({})
      await waitForStatus(session, 'encrypted')
      const ok = await followUp(session)
      const state = `${session.status} (reconnected, re-keyed); next prompt ${ok ? 'OK' : 'FAILED'}`
      return { code: consumed.code, consumed, state, alive: true }
    },
  },
  {
    fault: 'node restart (SESSION_KEY_NOT_FOUND)',
    expected: '—',
    expectedState: 'encrypted (re-keyed transparently)',
    delivery: { kind: 'full' },
    node: () => ({ kind: 'sim' }),
    act: async (ctx) => {
      const session = await ctx.client().startSession(SESSION_OPTIONS)
      await session.send('first prompt before the restart')
      await ctx.restart()
      const consumed = await consume(session.stream(FAULT_PROMPT))
      return {
        code: consumed.code,
        consumed,
        state: `${session.status} (re-keyed transparently)`,
        alive: true,
      }
    },
  },
  {
    fault: 'keyless node (no encryption key)',
    expected: 'ENCRYPTION_NOT_SUPPORTED',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim', options: { encryption: false } }),
    act: (ctx) => startFails(ctx),
  },
  {
    fault: 'client holds a wrong node key (MITM key)',
    expected: 'DECRYPTION_FAILED',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    clientNodeKey: testIdentity('impostor-node'),
    act: (ctx) => startFails(ctx),
  },
  {
    fault: 'node key does not match the registry address',
    expected: 'NODE_KEY_MISMATCH',
    expectedState: 'not started',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    expectNoKeys: true,
    act: async (ctx) => {
      const { code, untyped } = await outcomeOf(
        (async () => ctx.client({ expectedNodeAddress: testIdentity('registry-host').address }))(),
      )
      return { code, untyped, state: 'not started', alive: false }
    },
  },
  {
    fault: 'rate limit (1 prompt per minute)',
    expected: 'RATE_LIMITED',
    expectedState: 'encrypted; next prompt OK (after 61 s)',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim', options: { rateLimitPerMinute: 1 } }),
    act: async (ctx) => {
      const session = await ctx.client().startSession(SESSION_OPTIONS)
      await session.send('the only prompt this minute')
      const consumed = await consume(session.stream(FAULT_PROMPT))
      ctx.advanceClock(61_000)
      const ok = await followUp(session)
      const state = `${session.status}; next prompt ${ok ? 'OK' : 'FAILED'} (after 61 s)`
      return { code: consumed.code, consumed, state, alive: true }
    },
  },
  {
    fault: 'slow node (no first chunk within firstChunkMs)',
    expected: 'TIMEOUT',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    act: async (ctx) => {
      const session = await ctx.client({ timeouts: { firstChunkMs: 2_000 } }).startSession(SESSION_OPTIONS)
      ctx.setFaults({ delayMs: 60_000 })
      const consumed = await consume(session.stream(FAULT_PROMPT))
      ctx.setFaults({})
      const ok = await followUp(session)
      return {
        code: consumed.code,
        consumed,
        state: `${session.status}; next prompt ${ok ? 'OK' : 'FAILED'}`,
        alive: true,
      }
    },
  },
  {
    fault: 'silent node (no session_init_ack within ackMs)',
    expected: 'TIMEOUT',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim', options: { faults: { silent: true } } }),
    act: (ctx) => startFails(ctx, { timeouts: { ackMs: 500 } }),
  },
  {
    fault: `node fails to encrypt chunk ${K} (ENCRYPTION_FAILED)`,
    expected: 'ENCRYPTION_FAILED',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => ({ kind: 'sim' }),
    act: (ctx) => promptWithFaults(ctx, { encryptionFailureAtChunk: K }),
  },
  {
    fault: 'garbage: binary, unknown-type and stale-id frames mid-answer',
    expected: '—',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'full' },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswerRewriter((frame, text) =>
          frame.type === 'encrypted_chunk' && frame.payload?.index === K
            ? [
                { binary: new Uint8Array([0xff, 0x00, 0x7b, 0x22]) },
                { text: JSON.stringify({ type: 'totally_new_frame', data: [1, 2, 3] }) },
                {
                  text: JSON.stringify({
                    type: 'encrypted_chunk',
                    id: 'req-stale',
                    tokens: 1,
                    payload: 'junk',
                  }),
                },
                { text },
              ]
            : undefined,
        ),
      },
    }),
    act: (ctx) => scriptedPrompt(ctx, false),
  },
  {
    fault: 'garbage: non-JSON text frame mid-answer',
    expected: 'INVALID_FRAME',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswerRewriter((frame, text) =>
          frame.type === 'encrypted_chunk' && frame.payload?.index === K
            ? [{ text: '{"type":"encrypted_chunk", garbage \u0000 ]' }, { text }]
            : undefined,
        ),
      },
    }),
    act: (ctx) => scriptedPrompt(ctx, false),
  },
  {
    fault: 'oversized frame (64 MiB + 1 byte) mid-answer',
    expected: 'CONNECTION_LOST',
    expectedState: 'encrypted (reconnected, re-keyed); next prompt OK',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => {
      // Once the oversized frame is out, the rest of that answer is not sent: it would land inside its payload.
      let cut = false
      return {
        kind: 'scripted',
        options: {
          outbound: firstAnswerRewriter((frame) => {
            if (frame.type === 'encrypted_chunk' && frame.payload?.index === K) {
              cut = true
              return [{ oversized: MAX_FRAME_BYTES + 1 }]
            }
            return cut ? [] : undefined
          }),
        },
      }
    },
    act: (ctx) => scriptedPrompt(ctx, true),
  },
  ...HOSTILE_SCENARIOS,
]

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { hexToBytes, signDigest } from '@fabstir/crypto'
import { expectedAnswer } from '@fabstir/node-sim'
import { MAX_FRAME_BYTES } from '@fabstir/protocol'
import type { ClientOptions, DigestSigner } from '@fabstir/transport-ws'
import { SESSION_OPTIONS, testIdentity } from '../common/identities.js'
import type { OutboundAction } from '../common/scripted-node.js'
import { consume, outcomeOf } from './consume.js'
import {
  type ActResult,
  FAULT_PROMPT,
  type FaultContext,
  type FaultScenario,
  FOLLOW_UP_PROMPT,
} from './harness.js'

/**
 * The rows of issue 15 ("hostile nodes, broken wallets, unreachable hosts"): each reproduced failure, observed
 * through the real client over 127.0.0.1.
 */

/** Chunk index the mid-answer faults hit. */
const K = 2
/** Displayed node text is capped at 1 KB plus a short "…(N more chars)" tail, inside a short SDK sentence. */
const CAPPED_CHARS = 1200

async function followUpOk(session: Awaited<ReturnType<ReturnType<FaultContext['client']>['startSession']>>) {
  const next = await consume(session.stream(FOLLOW_UP_PROMPT))
  return next.reply?.text === expectedAnswer(FOLLOW_UP_PROMPT)
}

/** Rewrites the frames of the first answer on a connection (other frames pass untouched). */
function firstAnswer(
  rewrite: (
    frame: Record<string, unknown> & { payload?: { index?: number } },
    text: string,
  ) => OutboundAction[] | undefined,
): (text: string) => OutboundAction[] | undefined {
  let firstId: unknown
  let done = false
  return (text) => {
    const frame = JSON.parse(text) as Record<string, unknown> & { payload?: { index?: number } }
    if (firstId === undefined && frame.type === 'encrypted_chunk') firstId = frame.id
    if (done || firstId === undefined || frame.id !== firstId) return undefined
    if (frame.type === 'stream_end') done = true
    return rewrite(frame, text)
  }
}

/** Stream the fault prompt against a scripted node; the session must survive. */
async function promptSurvives(ctx: FaultContext, describe?: (r: ActResult) => string): Promise<ActResult> {
  const session = await ctx.client().startSession(SESSION_OPTIONS)
  const consumed = await consume(session.stream(FAULT_PROMPT))
  const ok = await followUpOk(session)
  const result: ActResult = {
    code: consumed.code,
    consumed,
    state: `${session.status}; next prompt ${ok ? 'OK' : 'FAILED'}`,
    alive: true,
  }
  if (describe) result.state += `; ${describe(result)}`
  return result
}

async function startFails(ctx: FaultContext, overrides: Partial<ClientOptions> = {}): Promise<ActResult> {
  const client = ctx.client(overrides)
  const { code, untyped } = await outcomeOf(client.startSession(SESSION_OPTIONS))
  return { code, untyped, state: client.status, alive: false }
}

/** A port on 127.0.0.1 with nothing listening. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export const HOSTILE_SCENARIOS: readonly FaultScenario[] = [
  {
    fault: `#1 one 64 MiB frame of "[" mid-answer (chunk ${K})`,
    expected: 'INVALID_FRAME',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswer((frame, text) =>
          frame.type === 'encrypted_chunk' && frame.payload?.index === K
            ? [{ text: '['.repeat(MAX_FRAME_BYTES) }, { text }]
            : undefined,
        ),
      },
    }),
    act: (ctx) => promptSurvives(ctx),
  },
  {
    fault: '#2 wallet never signs (startSession)',
    expected: 'TIMEOUT',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    judgeAllDraws: true,
    act: (ctx, signer) =>
      startFails(ctx, {
        timeouts: { ackMs: 500 },
        signer: { address: signer!.address, signDigest: () => new Promise<Uint8Array>(() => {}) },
      }),
  },
  {
    fault: '#3 wallet rejects with null',
    expected: 'SIGNER_FAILED',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    judgeAllDraws: true,
    act: (ctx, signer) =>
      startFails(ctx, { signer: { address: signer!.address, signDigest: () => Promise.reject(null) } }),
  },
  {
    fault: '#4 unusable stream_end after the authenticated encrypted_response',
    expected: '—',
    expectedState: 'encrypted; next prompt OK',
    delivery: { kind: 'full' },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswer((frame, text) =>
          frame.type === 'stream_end' ? [{ text: text.slice(0, text.length - 3) }] : undefined,
        ),
      },
    }),
    act: (ctx) => promptSurvives(ctx),
  },
  {
    fault: '#5 forged stream_end.finish_reason "error" over the authenticated "stop"',
    expected: '—',
    expectedState: 'encrypted; next prompt OK; finishReason stop',
    delivery: { kind: 'full' },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswer((frame) =>
          frame.type === 'stream_end'
            ? [{ text: JSON.stringify({ ...frame, finish_reason: 'error' }) }]
            : undefined,
        ),
      },
    }),
    act: (ctx) => promptSurvives(ctx, (r) => `finishReason ${r.consumed?.reply?.finishReason}`),
  },
  {
    fault: '#6 session_init_ack with status "failure"',
    expected: 'NODE_ERROR',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: (text) => {
          const frame = JSON.parse(text) as Record<string, unknown>
          return frame.type === 'session_init_ack'
            ? [{ text: JSON.stringify({ ...frame, status: 'failure' }) }]
            : undefined
        },
      },
    }),
    act: (ctx) => startFails(ctx),
  },
  {
    fault: `#7 10 MB error.message mid-answer (chunk ${K})`,
    expected: 'NODE_ERROR',
    expectedState: 'encrypted; next prompt OK; message capped',
    delivery: { kind: 'prefix', maxChunks: K },
    node: () => ({
      kind: 'scripted',
      options: {
        outbound: firstAnswer((frame) =>
          frame.type === 'encrypted_chunk' && frame.payload?.index === K
            ? [
                {
                  text: JSON.stringify({
                    type: 'error',
                    code: 'X_HOSTILE',
                    message: 'A'.repeat(10_000_000),
                    id: frame.id,
                  }),
                },
              ]
            : undefined,
        ),
      },
    }),
    act: (ctx) =>
      promptSurvives(ctx, (r) =>
        (r.consumed?.messageChars ?? 0) <= CAPPED_CHARS
          ? 'message capped'
          : `message ${r.consumed?.messageChars} chars`,
      ),
  },
  {
    fault: '#8 nothing listening (refused port)',
    expected: 'CONNECTION_FAILED',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    expectNoKeys: true,
    act: async (ctx) => startFails(ctx, { url: `ws://127.0.0.1:${await deadPort()}/v1/ws` }),
  },
  {
    fault: '#8 HTTP 404 instead of the upgrade (wrong path)',
    expected: 'CONNECTION_FAILED',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    expectNoKeys: true,
    act: (ctx) => startFails(ctx, { url: ctx.url.replace('/v1/ws', '/wrong/path') }),
  },
  {
    fault: '#9 wallet switches accounts after its first session',
    expected: 'CLIENT_ADDRESS_MISMATCH',
    expectedState: 'failed',
    delivery: { kind: 'nothing' },
    node: () => ({ kind: 'sim' }),
    judgeAllDraws: true,
    act: async (ctx) => {
      let key = hexToBytes(testIdentity('switching-wallet').privateKeyHex)
      const wallet: DigestSigner = {
        address: testIdentity('switching-wallet').address,
        signDigest: async (digest) => signDigest(key, digest),
      }
      const first = await ctx.client({ signer: wallet }).startSession(SESSION_OPTIONS)
      await first.close()
      key = hexToBytes(testIdentity('the-other-account').privateKeyHex)
      return startFails(ctx, { signer: wallet })
    },
  },
]

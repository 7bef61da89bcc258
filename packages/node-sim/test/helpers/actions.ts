import { bytesToHex, bytesToUtf8, hexToBytes, open, seal, utf8ToBytes } from '@fabstir/crypto'
import { createNodeCore, type NodeCoreOptions } from '../../src/index.js'
import { type Frame, FrameQueue } from './frame-queue.js'
import { buildInit } from './protocol-client.js'

/** The AAD families of action replies (PROTOCOL-SURFACE §4.3). */
export type Family = 'encrypted_image_response' | 'encrypted_transcode_response' | 'encrypted_ltx_response'

/** An `encrypted_message` carrying an action (or chat) object, sealed with the session key and AAD `message_<n>`. */
export function actionFrame(
  sid: string | undefined,
  sessionKey: Uint8Array,
  inner: Record<string, unknown> | string,
  opts: { id?: unknown; n?: number } = {},
): Record<string, unknown> {
  const aad = utf8ToBytes(`message_${opts.n ?? 0}`)
  const sealed = seal(sessionKey, typeof inner === 'string' ? inner : JSON.stringify(inner), aad)
  return {
    type: 'encrypted_message',
    id: opts.id ?? 'act-1',
    session_id: sid,
    payload: {
      ciphertextHex: bytesToHex(sealed.ciphertext),
      nonceHex: bytesToHex(sealed.nonce),
      aadHex: bytesToHex(aad),
    },
  }
}

/**
 * Open an action reply with the family AAD the client expects (never the frame's own `aadHex`) and parse it. Throws
 * when the frame is not an `encrypted_response` or does not authenticate under that family.
 */
// biome-ignore lint/suspicious/noExplicitAny: replies are inspected dynamically
export function openAction(sessionKey: Uint8Array, frame: Frame, family: Family): Record<string, any> {
  return JSON.parse(openActionText(sessionKey, frame, family))
}

/** Like {@link openAction} but returns the exact plaintext JSON text. */
export function openActionText(sessionKey: Uint8Array, frame: Frame, family: Family): string {
  if (frame.type !== 'encrypted_response')
    throw new Error(`expected encrypted_response, got ${JSON.stringify(frame)}`)
  const p = frame.payload
  return bytesToUtf8(open(sessionKey, hexToBytes(p.nonceHex), hexToBytes(p.ciphertextHex), family))
}

/** The decoded `aadHex` of a reply. */
export function aadOf(frame: Frame): string {
  return bytesToUtf8(hexToBytes(frame.payload.aadHex))
}

/**
 * A clock whose sleeps wait until the test releases them: `tick()` resolves the oldest pending sleep and advances
 * `now` by its duration. Drives transcode polls, LTX steps and image generation deterministically.
 */
export class SteppedClock {
  t = 1_000_000
  private readonly pending: { ms: number; resolve: () => void }[] = []
  readonly now = (): number => this.t
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      this.pending.push({ ms, resolve })
    })

  /** Sleeps waiting right now (after letting pending work run). */
  async waiting(): Promise<number> {
    await settle()
    return this.pending.length
  }

  /** Resolve the oldest pending sleep (fails when none is pending). */
  async tick(): Promise<void> {
    await settle()
    const p = this.pending.shift()
    if (!p) throw new Error('no pending sleep')
    this.t += p.ms
    p.resolve()
    await settle()
  }

  /** Tick until nothing sleeps any more (at most `max` times). */
  async drain(max = 10_000): Promise<void> {
    for (let i = 0; i < max; i++) {
      await settle()
      if (this.pending.length === 0) return
      await this.tick()
    }
    throw new Error('clock did not drain')
  }
}

/** Let every queued microtask and immediate run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r))
}

/** A sans-IO connection with a finished encrypted init. */
export interface CoreSession {
  core: ReturnType<typeof createNodeCore>
  conn: ReturnType<ReturnType<typeof createNodeCore>['openConnection']>
  q: FrameQueue
  key: Uint8Array
  sid: string
  /** Feed one frame (object → JSON text). */
  send(frame: Record<string, unknown> | string): void
  /** Send an action/chat object sealed for this session. */
  act(inner: Record<string, unknown> | string, id?: unknown): void
  /** Take the next frame and open it under `family`. */
  // biome-ignore lint/suspicious/noExplicitAny: replies are inspected dynamically
  reply(family: Family): Promise<Record<string, any>>
  /** True when no frame is waiting. */
  readonly quiet: boolean
  transportClosed(): boolean
}

/** Open a sans-IO connection on `core` (or a new core) and run a successful encrypted init. */
export async function coreSession(
  options: NodeCoreOptions = {},
  opts: { core?: ReturnType<typeof createNodeCore>; sessionId?: string; jobId?: string } = {},
): Promise<CoreSession> {
  const core = opts.core ?? createNodeCore(options)
  const q = new FrameQueue()
  let closed = false
  const conn = core.openConnection(
    (text) => q.push(text),
    () => {
      closed = true
    },
  )
  await q.next()
  const init = buildInit({
    nodePublicKey: core.publicKey,
    sessionId: opts.sessionId ?? 'sess-core',
    ...(opts.jobId !== undefined ? { jobId: opts.jobId } : {}),
  })
  conn.receive(JSON.stringify(init.frame))
  const ack = await q.next()
  if (ack.type !== 'session_init_ack') throw new Error(`init failed: ${JSON.stringify(ack)}`)
  const sid = init.frame.session_id as string
  const send = (f: Record<string, unknown> | string): void =>
    conn.receive(typeof f === 'string' ? f : JSON.stringify(f))
  return {
    core,
    conn,
    q,
    key: init.sessionKey,
    sid,
    send,
    act: (inner, id) => send(actionFrame(sid, init.sessionKey, inner, { id: id ?? 'act-1' })),
    reply: async (family) => openAction(init.sessionKey, await q.next(), family),
    get quiet() {
      return q.pending === 0
    },
    transportClosed: () => closed,
  }
}

import { bytesToHex, getPublicKey } from '@fabstir/crypto'
import { createNodeCore, type NodeConnection, type NodeCore, type NodeCoreOptions } from '@fabstir/node-sim'
import { type EncryptedSessionInitFrame, stringifyJson } from '@fabstir/wire'
import {
  createPlaintextSession,
  createSession,
  type EncryptedSession,
  type EncryptedSessionOptions,
  type PlaintextSession,
  type PlaintextSessionOptions,
  type ProtocolEvent,
} from '../../src/index.js'
import { type OpenedInit, openInitPayload } from './node-view.js'
import { capture32 } from './random-capture.js'
import { createTestSigner, randomPrivateKey, type TestSigner } from './signers.js'

type AnySession = EncryptedSession | PlaintextSession

const DEFAULT_WAIT_MS = 3000

/**
 * In-memory wiring of a sans-IO session to a sans-IO node-core connection — no sockets. Frames the session builds are
 * serialized and fed to `connection.receive`; frames the node sends are fed to `session.receive` (unless `holding`),
 * and every event is collected in `events`. A transport close requested by the node becomes `connectionLost()`.
 */
export class Link<S extends AnySession = AnySession> {
  readonly events: ProtocolEvent[] = []
  /** Every frame the node sent, in order (delivered or not). */
  readonly inbound: string[] = []
  /** Every frame the client sent, in order. */
  readonly outbound: string[] = []
  /** Node frames kept back while `holding` is true. */
  readonly held: string[] = []
  /** When true, node frames are stored in `held` instead of being delivered to the session. */
  holding = false
  /** True once the node asked the transport to close the connection. */
  transportClosed = false
  readonly connection: NodeConnection
  private readonly waiters = new Set<() => boolean>()

  constructor(
    readonly session: S,
    readonly core: NodeCore,
  ) {
    this.connection = core.openConnection(
      (text) => this.fromNode(text),
      () => this.onTransportClosed(),
    )
  }

  /** Send a client frame (an object is serialized losslessly; a string is sent as is). */
  send(frame: object | string): void {
    const text = typeof frame === 'string' ? frame : stringifyJson(frame)
    this.outbound.push(text)
    this.connection.receive(text)
  }

  /** Feed one frame to the session and record its events. */
  deliver(frame: string | object): ProtocolEvent[] {
    const events = this.session.receive(frame)
    this.record(events)
    return events
  }

  /** Deliver and clear the frames kept back while holding. */
  releaseHeld(): ProtocolEvent[] {
    const frames = this.held.splice(0)
    return frames.flatMap((f) => this.deliver(f))
  }

  /** Wait for the first event from index `from` on that satisfies `predicate`. Rejects after `timeoutMs`. */
  waitFor(
    predicate: (e: ProtocolEvent) => boolean,
    from = 0,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ProtocolEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(predicate)
        if (!found) return false
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve(found)
        return true
      }
      const timer = setTimeout(() => {
        this.waiters.delete(check)
        const seen = this.events
          .map((e) => (e.type === 'error' ? `error:${e.error.code}` : e.type))
          .join(', ')
        reject(new Error(`timed out after ${timeoutMs} ms waiting for an event; events so far: [${seen}]`))
      }, timeoutMs)
      if (!check()) this.waiters.add(check)
    })
  }

  /** Wait until the node streams nothing on this connection. */
  async idle(): Promise<void> {
    await this.connection.idle
  }

  /**
   * Send a request frame and wait until its outcome is known: an `end` for `id`, or any `error` event; then wait for
   * the node to go idle, so that trailing frames (ignored or not) have been delivered. Returns the new events.
   */
  async exchange(frame: { id?: string } & object): Promise<ProtocolEvent[]> {
    const from = this.events.length
    this.send(frame)
    await this.waitFor((e) => (e.type === 'end' && e.id === frame.id) || e.type === 'error', from)
    await this.idle()
    return this.events.slice(from)
  }

  private fromNode(text: string): void {
    this.inbound.push(text)
    if (this.holding) this.held.push(text)
    else this.deliver(text)
  }

  private onTransportClosed(): void {
    this.transportClosed = true
    this.record(this.session.connectionLost())
  }

  private record(events: ProtocolEvent[]): void {
    this.events.push(...events)
    if (events.length > 0) for (const check of [...this.waiters]) check()
  }
}

/** Session options a test may override; the rest come from {@link defaultSessionOptions}. */
export type SessionOverrides = Partial<Omit<EncryptedSessionOptions, 'nodePublicKey'>> & {
  nodePublicKey?: EncryptedSessionOptions['nodePublicKey']
}

/** Realistic defaults: Base Sepolia, a decimal job id, a native-token price inside the node's range. */
export function defaultSessionOptions(): Omit<EncryptedSessionOptions, 'nodePublicKey' | 'signer'> {
  return { jobId: '12345', chainId: 84532, modelName: 'tiny-vicuna', pricePerToken: 2_272_727_273 }
}

/** A node core with a known private key, an encrypted session with a real signer, and the link between them. */
export interface EncryptedSetup {
  core: NodeCore
  nodePrivateKey: Uint8Array
  signer: TestSigner
  session: EncryptedSession
  link: Link<EncryptedSession>
}

/** Build an {@link EncryptedSetup}. Nothing is sent yet (except the node's `connected` greeting). */
export function setupEncrypted(
  options: {
    core?: Omit<NodeCoreOptions, 'privateKey'>
    session?: SessionOverrides
    signer?: TestSigner
  } = {},
): EncryptedSetup {
  const nodePrivateKey = randomPrivateKey()
  const core = createNodeCore({ ...options.core, privateKey: nodePrivateKey.slice() })
  const signer = options.signer ?? createTestSigner()
  const session = createSession({
    ...defaultSessionOptions(),
    nodePublicKey: core.publicKey,
    signer,
    ...options.session,
  } as EncryptedSessionOptions)
  return { core, nodePrivateKey, signer, session, link: new Link(session, core) }
}

/** The result of a tracked init: the frame, the node's view of it, and the live key buffers the session drew. */
export interface TrackedInit {
  frame: EncryptedSessionInitFrame
  opened: OpenedInit
  /** The live ephemeral private key buffer (the SDK must zero it before `init()` resolves). */
  ephemeralKey: Uint8Array
  /** The live session key buffer held by the session (zeroed on close and on fatal errors). */
  sessionKey: Uint8Array
  /** A copy of the session key, to decrypt and forge frames in tests. */
  sessionKeyCopy: Uint8Array
}

/**
 * `init()` while capturing the random 32-byte draws, then identify the ephemeral private key (its public key is the
 * frame's `ephPubHex`) and the session key (equal to the one the node decrypts from the payload).
 */
export async function trackedInit(
  setup: EncryptedSetup,
  options: { id?: string } = {},
): Promise<TrackedInit> {
  const { settled, draws } = await capture32(() => setup.session.init(options))
  if (settled.status === 'rejected') throw settled.reason
  const frame = settled.value
  const opened = openInitPayload(frame, setup.nodePrivateKey)
  const eph = draws.find((d) => bytesToHex(getPublicKey(d.copy)) === frame.payload.ephPubHex.toLowerCase())
  const key = draws.find((d) => bytesToHex(d.copy) === bytesToHex(opened.sessionKey))
  if (!eph || !key) throw new Error(`could not identify the key buffers among ${draws.length} draws`)
  return { frame, opened, ephemeralKey: eph.live, sessionKey: key.live, sessionKeyCopy: key.copy }
}

/** Tracked init, sent to the node; resolves with the first `ready` or `error` event. */
export async function initAndWait(setup: EncryptedSetup, options: { id?: string } = {}) {
  const tracked = await trackedInit(setup, options)
  const from = setup.link.events.length
  setup.link.send(tracked.frame)
  const outcome = await setup.link.waitFor((e) => e.type === 'ready' || e.type === 'error', from)
  return { ...tracked, outcome }
}

/** A plaintext session linked to a core. */
export function setupPlaintext(
  options: { core?: NodeCoreOptions; session?: Partial<PlaintextSessionOptions> } = {},
): { core: NodeCore; session: PlaintextSession; link: Link<PlaintextSession> } {
  const core = createNodeCore(options.core)
  const session = createPlaintextSession({ jobId: '12345', ...options.session })
  return { core, session, link: new Link(session, core) }
}

/**
 * A controllable `sleep` for the core (`chunkDelayMs` > 0): every call waits until the test releases it, so a test
 * can act "between two chunks" deterministically, without timers.
 */
export class ManualSleep {
  private readonly waiting: Array<() => void> = []
  private readonly listeners: Array<() => void> = []

  /** When true, sleeps resolve at once (the test no longer steps the stream). */
  autoRelease = false

  /** Pass this as the core's `sleep` option. */
  readonly sleep = (_ms: number): Promise<void> =>
    this.autoRelease
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.waiting.push(resolve)
          for (const notify of this.listeners.splice(0)) notify()
        })

  /** Number of sleeps waiting to be released. */
  get pending(): number {
    return this.waiting.length
  }

  /** Resolves as soon as at least one sleep is waiting. */
  untilPending(): Promise<void> {
    if (this.waiting.length > 0) return Promise.resolve()
    return new Promise((resolve) => this.listeners.push(resolve))
  }

  /** Release the sleeps waiting now. */
  releaseAll(): void {
    for (const resolve of this.waiting.splice(0)) resolve()
  }
}

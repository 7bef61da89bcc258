import { answerChunks, createNodeCore } from '@fabstir/node-sim'
import {
  createPlaintextSession,
  createSession,
  type EncryptedSession,
  type PlaintextSession,
  type SessionState,
} from '@fabstir/protocol'
import { ReliabilityError } from '../common/errors.js'
import { NODE_IDENTITY, SESSION_OPTIONS, testSigner } from '../common/identities.js'
import { SansIoLink } from '../common/sans-io-link.js'

/** A session frozen in one state, plus the truth about the answer it is (or was) waiting for. */
export interface SessionTemplate<S> {
  label: string
  /** Never fed directly: every case works on a {@link cloneSession} of it. */
  snapshot: S
  /** Request id of the answer in flight (streaming states). */
  requestId: string | undefined
  /** The authentic chunk texts of that answer, final (empty) chunk included. */
  chunks: readonly string[]
  /** The node frames of that answer (for mutation), as sent. */
  answerFrames: readonly string[]
  /** Node frames of earlier answers of the same session (same key: cross-prompt replay material). */
  earlierFrames: readonly string[]
}

/** The signer address sessions are built with (an ack must echo exactly this). */
export const TEMPLATE_SIGNER = testSigner('fuzz-client')

/**
 * Copy a session object so that feeding the copy cannot affect the original: own properties are copied, typed arrays
 * (the session key), the replay detector, sets and maps, arrays and plain objects (the in-flight
 * bookkeeping) one level deep. The protocol package keeps its
 * state in ordinary properties, so the copy behaves exactly like the original would; {@link checkCloneIsolation}
 * verifies that at start-up.
 */
export function cloneSession<S extends object>(session: S): S {
  const copy = Object.create(Object.getPrototypeOf(session)) as S
  for (const key of Reflect.ownKeys(session)) {
    const d = Object.getOwnPropertyDescriptor(session, key)!
    if ('value' in d) {
      const v: unknown = d.value
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) d.value = (v as Uint8Array).slice()
      else if (v instanceof Set) d.value = new Set(v)
      // The replay detector (a class over a typed array) is copied one level deeper.
      else if (v !== null && typeof v === 'object' && v.constructor?.name === 'NonceSet')
        d.value = cloneSession(v)
      else if (v instanceof Map) d.value = new Map(v)
      else if (Array.isArray(v)) d.value = v.slice()
      else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
        d.value = { ...v }
    }
    Object.defineProperty(copy, key, d)
  }
  return copy
}

/** The session key buffer of an encrypted session (internal property; checked to exist at start-up). */
export function sessionKeyOf(session: object): Uint8Array | undefined {
  const k = (session as { sessionKey?: unknown }).sessionKey
  return k instanceof Uint8Array ? k : undefined
}

const PROMPT = 'Fuzz the encrypted answer path please'
const EARLIER_PROMPT = 'An earlier prompt on the same session key'

function ensure(condition: boolean, what: string): void {
  if (!condition) throw new ReliabilityError('HARNESS_SETUP', `session template check failed: ${what}`)
}

/**
 * Encrypted sessions in every state, built by a real exchange with the simulator core (sans-IO): `new`,
 * `initializing`, `ready`, `streaming` at the start / middle / after the final chunk / after `encrypted_response`,
 * `streaming` with a cancel requested, `closed` and `failed`.
 */
export async function buildEncryptedTemplates(): Promise<SessionTemplate<EncryptedSession>[]> {
  const core = createNodeCore({ privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 1_000_000 })
  const link = new SansIoLink(core)
  link.take()
  const make = (): EncryptedSession =>
    createSession({
      nodePublicKey: NODE_IDENTITY.publicKey,
      signer: TEMPLATE_SIGNER.signer,
      ...SESSION_OPTIONS,
    })
  const templates: SessionTemplate<EncryptedSession>[] = []
  const add = (
    label: string,
    s: EncryptedSession,
    extra: Partial<SessionTemplate<EncryptedSession>> = {},
  ): void => {
    templates.push({
      label,
      snapshot: cloneSession(s),
      requestId: undefined,
      chunks: [],
      answerFrames: [],
      earlierFrames: [],
      ...extra,
    })
  }
  const s = make()
  add('new', s)
  const initFrame = await s.init()
  add('initializing', s, { answerFrames: await link.exchange(initFrame) })
  const ackFrames = templates[templates.length - 1]!.answerFrames
  for (const f of ackFrames) s.receive(f)
  ensure(s.state === 'ready', 'the session did not become ready')
  // An earlier answer on the same key: its frames are valid ciphertexts for this session (replay material).
  const earlier = await link.exchange(s.prompt(EARLIER_PROMPT))
  for (const f of earlier) s.receive(f)
  ensure(s.state === 'ready', 'the earlier answer did not complete')
  add('ready', s, { earlierFrames: earlier })

  const request = s.prompt(PROMPT)
  const answer = await link.exchange(request)
  const truth = {
    requestId: request.id,
    chunks: [...answerChunks(PROMPT), ''],
    answerFrames: answer,
    earlierFrames: earlier,
  }
  const chunkFrames = answer.filter((f) => f.includes('"encrypted_chunk"'))
  const response = answer.find((f) => f.includes('"encrypted_response"'))!
  add('streaming:start', s, truth)
  for (const f of chunkFrames.slice(0, 2)) s.receive(f)
  add('streaming:middle', s, truth)
  for (const f of chunkFrames.slice(2)) s.receive(f)
  add('streaming:after-final-chunk', s, truth)
  s.receive(response)
  add('streaming:after-response', s, truth)
  for (const f of answer.slice(chunkFrames.length + 1)) s.receive(f)
  ensure(s.state === 'ready', 'the answer did not complete')

  const cancelled = make()
  const clink = new SansIoLink(core)
  clink.take()
  for (const f of await clink.exchange(await cancelled.init())) cancelled.receive(f)
  const creq = cancelled.prompt(PROMPT)
  clink.send(creq)
  cancelled.cancel()
  await clink.settle()
  add('streaming:cancel-requested', cancelled, {
    requestId: creq.id,
    chunks: [...answerChunks(PROMPT), ''],
    answerFrames: clink.take(),
  })

  const closed = cloneSession(s)
  closed.close()
  add('closed', closed)
  const failed = cloneSession(templates.find((t) => t.label === 'streaming:start')!.snapshot)
  const tampered = JSON.parse(chunkFrames[0]!) as { payload: { ciphertextHex: string } }
  const c = tampered.payload.ciphertextHex
  tampered.payload.ciphertextHex = (c[0] === '0' ? '1' : '0') + c.slice(1)
  failed.receive(JSON.stringify(tampered))
  add('failed', failed)
  checkCloneIsolation(templates)
  const states = new Set<SessionState>(templates.map((t) => t.snapshot.state))
  for (const st of ['new', 'initializing', 'ready', 'streaming', 'closed', 'failed'] as const) {
    ensure(states.has(st), `no template in state ${st}`)
  }
  return templates
}

/**
 * Start-up check of {@link cloneSession}: failing a clone must leave the template's key and state untouched, and a
 * fresh clone must still accept the authentic next chunk. If the protocol package ever keeps state somewhere a
 * shallow copy cannot reach, this throws instead of letting the fuzzer produce meaningless results.
 */
function checkCloneIsolation(templates: readonly SessionTemplate<EncryptedSession>[]): void {
  const t = templates.find((x) => x.label === 'streaming:start')!
  const key = sessionKeyOf(t.snapshot)
  ensure(key?.some((b) => b !== 0) === true, 'the streaming template has no live session key')
  const victim = cloneSession(t.snapshot)
  const events = victim.receive(
    '{"type":"encrypted_chunk","id":"x","tokens":1,"payload":{"ciphertextHex":"00","nonceHex":"00","aadHex":"00","index":0}}',
  )
  ensure(events.length >= 0 && victim.state !== undefined, 'clone did not run')
  victim.close()
  ensure(
    victim.state === 'closed' && t.snapshot.state === 'streaming',
    'closing a clone changed the template state',
  )
  ensure(
    key!.some((b) => b !== 0),
    'closing a clone zeroed the template key',
  )
  const fresh = cloneSession(t.snapshot)
  const first = t.answerFrames.find((f) => f.includes('"encrypted_chunk"'))!
  const ev = fresh.receive(first)
  ensure(ev.length === 1 && ev[0]!.type === 'chunk', 'a clone does not accept the authentic first chunk')
  const again = cloneSession(t.snapshot).receive(first)
  ensure(again.length === 1 && again[0]!.type === 'chunk', 'a clone inherited state from an earlier clone')
}

/** Plaintext sessions in every state: `new`, `initializing`, `ready`, `streaming` (start, middle), `closed`, `failed`. */
export async function buildPlaintextTemplates(): Promise<SessionTemplate<PlaintextSession>[]> {
  const core = createNodeCore({ privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 1_000_000 })
  const link = new SansIoLink(core)
  link.take()
  const templates: SessionTemplate<PlaintextSession>[] = []
  const add = (
    label: string,
    s: PlaintextSession,
    extra: Partial<SessionTemplate<PlaintextSession>> = {},
  ): void => {
    templates.push({
      label,
      snapshot: cloneSession(s),
      requestId: undefined,
      chunks: [],
      answerFrames: [],
      earlierFrames: [],
      ...extra,
    })
  }
  const s = createPlaintextSession({ jobId: SESSION_OPTIONS.jobId })
  add('new', s)
  const ack = await link.exchange(await s.init())
  add('initializing', s, { answerFrames: ack })
  for (const f of ack) s.receive(f)
  add('ready', s)
  const request = s.prompt(PROMPT)
  const answer = await link.exchange(request)
  const truth = { requestId: request.id, chunks: [...answerChunks(PROMPT), ''], answerFrames: answer }
  add('streaming:start', s, truth)
  for (const f of answer.slice(0, 2)) s.receive(f)
  add('streaming:middle', s, truth)
  const closed = cloneSession(s)
  closed.close()
  add('closed', closed)
  const failing = createPlaintextSession({ jobId: SESSION_OPTIONS.jobId })
  await failing.init()
  failing.receive('{"type":"error","code":"DECRYPTION_FAILED","message":"x"}')
  add('failed', failing)
  ensure(failing.state === 'failed', 'the plaintext failure template did not fail')
  return templates
}

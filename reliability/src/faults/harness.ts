import {
  answerChunks,
  expectedAnswer,
  type Faults,
  type NodeSimOptions,
  startNodeSim,
} from '@fabstir/node-sim'
import type { ClientOptions, ClientSession, FabstirClient } from '@fabstir/transport-ws'
import { NODE_IDENTITY, type TestIdentity } from '../common/identities.js'
import {
  captureKeyDraws,
  classifyKeyDraws,
  type InitPayloadHex,
  isZeroed,
  type KeyDraw,
} from '../common/key-capture.js'
import { type ScriptedNodeOptions, startScriptedNode } from '../common/scripted-node.js'
import { withTimeout } from '../common/wait.js'
import type { Consumed } from './consume.js'
import { type FaultShell, WS_SHELL } from './shells.js'

/** The prompt every fault is injected into: 10 answer chunks plus the final empty one. */
export const FAULT_PROMPT = 'Tell me a story about reliable encrypted streams'
/** The prompt sent after a non-fatal fault to show that the session still works. */
export const FOLLOW_UP_PROMPT = 'And one more line please'

/** Short deadlines so that a fault that is not detected fails fast instead of hanging the suite. */
export const FAULT_TIMEOUTS = { connectMs: 3_000, ackMs: 3_000, firstChunkMs: 3_000, idleMs: 3_000 } as const
/** Fast reconnects. */
export const FAULT_RECONNECT = { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } as const

/** One row of the fault matrix. */
export interface FaultRow {
  fault: string
  expected: string
  observed: string
  delivered: string
  deliveredOk: boolean
  stateAfter: string
  keysZeroed: string
  pass: boolean
}

/** What the scenario body reports. */
export interface ActResult {
  /** The typed error code observed (undefined: none). */
  code: string | undefined
  /** An untyped failure (always a finding). */
  untyped?: unknown
  /** What the caller received for the faulty prompt (undefined: no prompt was sent). */
  consumed?: Consumed
  /** The session's state after the fault, as text (e.g. `failed`, `encrypted; next prompt OK`). */
  state: string
  /** Whether the session is still in use after the fault (its current key may be live until close). */
  alive: boolean
}

/** The node a scenario runs against, with its own fault handles. */
export interface FaultContext {
  readonly url: string
  /** A client for this node (short timeouts, fast reconnects), closed by the harness. */
  client(overrides?: Partial<ClientOptions>): FabstirClient
  /** Replace the simulator's faults (simulator nodes only). */
  setFaults(faults: Faults): void
  /** Simulate a node restart (simulator nodes only). */
  restart(): Promise<void>
  /** Move the simulator's rate-limit clock forward. */
  advanceClock(ms: number): void
}

/** What the caller should have received. */
export type DeliveryExpectation =
  | { kind: 'nothing' }
  | { kind: 'prefix'; maxChunks: number }
  | { kind: 'full' }

/** One fault of the matrix. */
export interface FaultScenario {
  fault: string
  /** Expected typed code, or `—` when the fault must be absorbed without an error. */
  expected: string
  expectedState: string
  delivery: DeliveryExpectation
  /** Which node to run: the simulator, or the core behind a raw scripted server. Called once per run. */
  node: () => { kind: 'sim'; options?: NodeSimOptions } | { kind: 'scripted'; options: ScriptedNodeOptions }
  /** The key the client encrypts its init to, when it is not the node's (to find the client's keys). */
  clientNodeKey?: TestIdentity
  /** True when the client must refuse before drawing any key (the check is then: no key drawn). */
  expectNoKeys?: boolean
  /**
   * True when some keys are drawn for an init that is never sent (a wallet that fails or hangs): every 32-byte
   * draw is then judged — all must be zero after close — since no init identifies them.
   */
  judgeAllDraws?: boolean
  act(ctx: FaultContext, signer: ClientOptions['signer']): Promise<ActResult>
}

const NO_DELTAS: Consumed = {
  text: '',
  deltas: 0,
  indices: [],
  reply: undefined,
  code: undefined,
  untyped: undefined,
}

function describeDelivery(
  consumed: Consumed | undefined,
  d: DeliveryExpectation,
): { text: string; ok: boolean } {
  const got = consumed ?? NO_DELTAS
  const truth = expectedAnswer(FAULT_PROMPT)
  const total = answerChunks(FAULT_PROMPT).length
  const isPrefix = truth.startsWith(got.text) && got.indices.every((index, i) => index === i)
  if (d.kind === 'nothing')
    return { text: got.deltas === 0 ? 'nothing' : `${got.deltas} chunks`, ok: got.deltas === 0 }
  if (d.kind === 'full') {
    const ok = got.text === truth && got.reply?.text === truth
    return { text: ok ? `full answer (${total}/${total} chunks)` : `${got.deltas}/${total} chunks`, ok }
  }
  return {
    text: `prefix (${got.deltas}/${total} chunks)`,
    ok: isPrefix && got.deltas <= d.maxChunks && got.reply === undefined,
  }
}

interface KeyState {
  ephemeral: KeyDraw[]
  session: KeyDraw[]
}

function liveAtObservation(keys: KeyState, alive: boolean): string[] {
  const problems: string[] = []
  const liveEph = keys.ephemeral.filter((d) => !isZeroed(d.live)).length
  if (liveEph > 0) problems.push(`${liveEph} ephemeral key(s) live`)
  const retired = alive ? keys.session.slice(0, -1) : keys.session
  const liveSession = retired.filter((d) => !isZeroed(d.live)).length
  if (liveSession > 0) problems.push(`${liveSession} ${alive ? 'retired ' : ''}session key(s) live`)
  return problems
}

/** Start the node, run the scenario with a key capture around it on the clients of `shell`, and judge the outcome. */
export async function runFaultScenario(
  scenario: FaultScenario,
  signer: NonNullable<ClientOptions['signer']>,
  shell: FaultShell = WS_SHELL,
): Promise<FaultRow> {
  let clock = Date.now()
  const inits: InitPayloadHex[] = []
  const noteInit = (text: string): void => {
    try {
      const f = JSON.parse(text) as { type?: unknown; payload?: InitPayloadHex }
      if (f.type === 'encrypted_session_init' && f.payload) inits.push(f.payload)
    } catch {
      // not JSON: not an init
    }
  }
  const spec = scenario.node()
  const baseCore = { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute: 10_000, now: () => clock }
  let url: string
  let close: () => Promise<void>
  let setFaults: (f: Faults) => void = () => {}
  let restart: () => Promise<void> = async () => {}
  if (spec.kind === 'sim') {
    const sim = await startNodeSim({
      ...baseCore,
      ...spec.options,
      host: '127.0.0.1',
      port: 0,
      onFrame: (direction, text) => {
        if (direction === 'in') noteInit(text)
      },
    })
    url = sim.url
    close = () => sim.close()
    setFaults = (f) => sim.setFaults(f)
    restart = () => sim.restart()
  } else {
    const node = await startScriptedNode({
      ...baseCore,
      ...spec.options,
      onFrame: (direction, text, id) => {
        if (direction === 'in') noteInit(text)
        spec.options.onFrame?.(direction, text, id)
      },
    })
    url = node.url
    close = () => node.close()
  }
  const clients: FabstirClient[] = []
  const clientNodeKey = scenario.clientNodeKey ?? NODE_IDENTITY
  const ctx: FaultContext = {
    url,
    client: (overrides = {}) => {
      const c = shell.createClient({
        url,
        nodePublicKey: clientNodeKey.publicKey,
        signer,
        timeouts: FAULT_TIMEOUTS,
        reconnect: FAULT_RECONNECT,
        ...overrides,
      })
      clients.push(c)
      return c
    },
    setFaults: (f) => setFaults(f),
    restart: () => restart(),
    advanceClock: (ms) => {
      clock += ms
    },
  }
  const capture = captureKeyDraws()
  let result: ActResult
  let observationProblems: string[] = []
  let keys: KeyState = { ephemeral: [], session: [] }
  try {
    try {
      result = await withTimeout(scenario.act(ctx, signer), 20_000, `fault scenario "${scenario.fault}"`)
    } catch (e) {
      result = { code: undefined, untyped: e, state: 'harness error', alive: false }
    }
    keys = classifyKeyDraws(capture.draws, inits, clientNodeKey.privateKeyHex)
    observationProblems = liveAtObservation(keys, result.alive)
    await Promise.all(clients.map((c) => c.close()))
  } finally {
    capture.stop()
    await Promise.allSettled(clients.map((c) => c.close()))
    await close()
  }
  keys = classifyKeyDraws(capture.draws, inits, clientNodeKey.privateKeyHex)
  const liveAfterClose = [...keys.ephemeral, ...keys.session].filter((d) => !isZeroed(d.live)).length
  let keysZeroed: string
  if (scenario.judgeAllDraws) {
    const live = capture.draws.filter((d) => !isZeroed(d.live)).length
    keysZeroed =
      capture.draws.length === 0
        ? 'NO: keys not found'
        : live === 0
          ? 'yes (every key drawn, sent or not)'
          : `NO: ${live} of ${capture.draws.length} drawn key(s) live after close`
  } else if (scenario.expectNoKeys) {
    keysZeroed =
      capture.draws.length === 0 ? 'n/a (no key drawn)' : `NO: ${capture.draws.length} key(s) drawn`
  } else if (keys.ephemeral.length === 0 || keys.session.length === 0) {
    keysZeroed = 'NO: keys not found'
  } else if (observationProblems.length > 0) {
    keysZeroed = `NO: ${observationProblems.join(', ')}`
  } else if (liveAfterClose > 0) {
    keysZeroed = `NO: ${liveAfterClose} key(s) live after close`
  } else if (!result.alive) {
    keysZeroed = 'yes (at failure)'
  } else {
    keysZeroed = keys.session.length > 1 ? 'yes (old at re-key, last at close)' : 'yes (at close)'
  }
  const delivery = describeDelivery(result.consumed, scenario.delivery)
  const observed = result.untyped !== undefined ? 'UNTYPED' : (result.code ?? '—')
  const untypedOk = result.untyped === undefined && result.consumed?.untyped === undefined
  return {
    fault: scenario.fault,
    expected: scenario.expected,
    observed,
    delivered: delivery.text,
    deliveredOk: delivery.ok,
    stateAfter: result.state,
    keysZeroed,
    pass:
      untypedOk &&
      observed === scenario.expected &&
      delivery.ok &&
      result.state === scenario.expectedState &&
      (keysZeroed.startsWith('yes') || keysZeroed.startsWith('n/a')),
  }
}

/** Resolve once `session.status` is `status` (or reject after `ms`). */
export function waitForStatus(session: ClientSession, status: string, ms = 5_000): Promise<void> {
  if (session.status === status) return Promise.resolve()
  return withTimeout(
    new Promise<void>((resolve) => {
      const off = session.on('status', (s) => {
        if (s === status) {
          off()
          resolve()
        }
      })
    }),
    ms,
    `session status ${status}`,
  )
}

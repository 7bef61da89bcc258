import { NODE_IDENTITY, testIdentity } from '../common/identities.js'
import {
  captureKeyDraws,
  classifyKeyDraws,
  type InitPayloadHex,
  isZeroed,
  zeroizationReport,
} from '../common/key-capture.js'
import type { ClientFactory, ClientPlan, ClientUnderTest } from './client-under-test.js'
import { checkInvariants, type Violation } from './invariants.js'
import { type NetworkStats, SimNetwork } from './network.js'
import { SimNode } from './node-host.js'
import { planSchedule, type SchedulePlan } from './plan.js'
import { Prng } from './prng.js'
import { type Scheduled, Trace, VirtualScheduler } from './scheduler.js'
import type { Carrier, Clock } from './shell-types.js'
import { simSigner } from './signer.js'
import { Workload } from './workload.js'

const CLIENT_IDENTITY = testIdentity('simulation-client')
const OTHER_IDENTITY = testIdentity('simulation-other-wallet')
/** A schedule that has not come to rest after this many events or this much virtual time is a livelock. */
const MAX_EVENTS = 200_000
const MAX_VIRTUAL_MS = 60 * 60_000
/** Label prefix of the client core's timer on the scheduler. */
export const CLIENT_TIMER = 'client:timer'

/** The outcome of one schedule. */
export interface ScheduleResult {
  seed: number
  features: string[]
  violations: Violation[]
  /** Digest of the virtual-time event trace: two runs of a seed must give the same one. */
  digest: string
  /** The full trace, when asked for. */
  trace?: string[]
  /** Virtual time at the end. */
  virtualMs: number
  events: number
  calls: { resolved: number; rejected: number; codes: Record<string, number> }
  network: NetworkStats
}

/** Knobs of {@link runSchedule}; the meta-tests use the `break*` ones to plant bugs. */
export interface RunOptions {
  /** Keep the full trace (replays). */
  keepTrace?: boolean
  /** Change the drawn plan before it runs (meta-tests). */
  mutatePlan?: (plan: SchedulePlan) => void
  /** Replace the shell's clock (meta-tests: a shell that forgets to arm the timer). */
  wrapClock?: (clock: Clock) => Clock
  /** Wrap the simulated carrier (meta-tests: a shell that mangles what it reports). */
  wrapCarrier?: (carrier: Carrier) => Carrier
  /** Wrap the client under test (meta-tests: a caller that never closes). */
  wrapClient?: (client: ClientUnderTest) => ClientUnderTest
  /** The options the client is really given, when they differ from the plan the invariants judge by (meta-tests). */
  clientPlanSeenByClient?: (plan: ClientPlan) => ClientPlan
}

/**
 * The shell's clock on the virtual scheduler: one timer slot, re-armed on every call. A timer fires up to `lateMs`
 * after its time (a busy event loop; the contract says "at or after").
 */
export function virtualClock(
  sched: VirtualScheduler,
  lateMs = 0,
  prng?: Prng,
): Clock & { readonly armedFor: number | undefined } {
  let armed: Scheduled | undefined
  let armedFor: number | undefined
  return {
    now: () => sched.now,
    /** The time the armed timer was asked for (before any lateness), if one is armed. */
    get armedFor() {
      return armed === undefined ? undefined : armedFor
    },
    arm(at, fire) {
      armed?.cancel()
      armed = undefined
      if (at === undefined) return
      armedFor = at
      const late = lateMs > 0 && prng ? prng.int(0, lateMs) : 0
      const slot: Scheduled = sched.at(at + late, CLIENT_TIMER, () => {
        if (armed === slot) armed = undefined
        fire()
      })
      armed = slot
    },
  }
}

function initsOf(texts: readonly string[]): InitPayloadHex[] {
  return texts
    .map((t) => JSON.parse(t) as { payload?: InitPayloadHex })
    .flatMap((f) => (f.payload ? [f.payload] : []))
}

/** Run the schedule of `seed` against the client `factory` builds, and judge it. */
export async function runSchedule(
  seed: number,
  factory: ClientFactory,
  options: RunOptions = {},
): Promise<ScheduleResult> {
  const plan = planSchedule(seed)
  options.mutatePlan?.(plan)
  const trace = new Trace(options.keepTrace === true)
  const sched = new VirtualScheduler(trace)
  const node = new SimNode(sched, NODE_IDENTITY.privateKeyHex, plan.node)
  const net = new SimNetwork(
    sched,
    node,
    plan.network,
    new Prng(seed, 'network'),
    plan.adversary,
    new Prng(seed, 'adversary'),
  )
  for (const e of plan.nodeEvents) sched.at(e.at, `node ${e.kind}`, () => net.nodeEvent(e))
  const jitter = new Prng(seed, 'jitter')
  const baseClock = virtualClock(sched, plan.timerLateMs, new Prng(seed, 'timer'))
  const clock = options.wrapClock ? options.wrapClock(baseClock) : baseClock
  const signer = simSigner(CLIENT_IDENTITY, OTHER_IDENTITY, sched, new Prng(seed, 'wallet'), plan.signer)
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason)
  }
  process.on('unhandledRejection', onUnhandled)
  const capture = captureKeyDraws()
  let liveKeys: string | undefined
  let timersLeft = 0
  let hitLimit = false
  let workload: Workload
  try {
    const built = factory({
      carrier: options.wrapCarrier ? options.wrapCarrier(net) : net,
      clock,
      random: () => jitter.float(),
      signer,
      nodePublicKey: NODE_IDENTITY.publicKey,
      plan: options.clientPlanSeenByClient ? options.clientPlanSeenByClient(plan.client) : plan.client,
    })
    const client = options.wrapClient ? options.wrapClient(built) : built
    workload = new Workload(sched, plan, client)
    workload.start()
    const first = await sched.run(() => workload.done, MAX_EVENTS, MAX_VIRTUAL_MS)
    if (first === 'limit') hitLimit = true
    // A timer due now (a step the core runs on its next firing) is fine; a deadline still waiting after close is not.
    const due = baseClock.armedFor
    timersLeft = due !== undefined && due > sched.now ? due - sched.now : 0
    // Let in-flight frames, node streams and sleeps run out, then the node forgets connections still open.
    if ((await sched.run(() => false, MAX_EVENTS, MAX_VIRTUAL_MS)) === 'limit') hitLimit = true
    net.teardown()
    await sched.run(() => false, MAX_EVENTS, Number.POSITIVE_INFINITY)
    const live = capture.draws.filter((d) => !isZeroed(d.live))
    if (live.length > 0) {
      const keys = classifyKeyDraws(live, initsOf(net.inits), NODE_IDENTITY.privateKeyHex)
      const r = zeroizationReport(keys)
      // Draws that are neither an ephemeral key nor a session key the node saw: a key of an init never sent
      // (the wallet hung) is a key all the same.
      const unknown = live.length - r.ephemeral - r.session
      if (r.ephemeralLive + r.sessionLive + unknown > 0) {
        liveKeys = `${r.ephemeralLive} ephemeral, ${r.sessionLive} session and ${unknown} other 32-byte secret(s) not zeroed after close`
      }
    }
  } finally {
    capture.stop()
    process.off('unhandledRejection', onUnhandled)
  }
  const calls = workload.calls
  const violations = checkInvariants({
    plan,
    calls,
    answered: node.answered,
    unhandled,
    thrown: sched.thrown,
    liveKeys,
    timersLeft,
    hitLimit,
  })
  const codes: Record<string, number> = {}
  let resolved = 0
  let rejected = 0
  for (const c of calls) {
    if (c.outcome === 'resolved') resolved++
    if (c.outcome === 'rejected') {
      rejected++
      const code = (c.error as { code?: unknown } | undefined)?.code
      const key = `${c.kind}:${typeof code === 'string' ? code : 'untyped'}`
      codes[key] = (codes[key] ?? 0) + 1
    }
  }
  return {
    seed,
    features: plan.features,
    violations,
    digest: trace.digest,
    ...(trace.lines ? { trace: trace.lines } : {}),
    virtualMs: sched.now,
    events: sched.executed,
    calls: { resolved, rejected, codes },
    network: net.stats,
  }
}

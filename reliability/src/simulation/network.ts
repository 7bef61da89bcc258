import type { NodeConnection } from '@fabstir/node-sim'
import { FabstirError } from '@fabstir/protocol'
import type { SimNode } from './node-host.js'
import type { Prng } from './prng.js'
import type { VirtualScheduler } from './scheduler.js'
import type { Carrier, CarrierEvents, Connection, ConnectionClosed } from './shell-types.js'

/**
 * What the network does to one schedule's connections. A WebSocket rides on TCP: it never loses, duplicates or
 * reorders single frames on its own, so loss is modelled as the connection breaking (each side notices after a
 * while), and per-frame latency keeps each direction in order.
 */
export interface NetworkPlan {
  /** One-way latency per frame, [min, max] virtual ms (each direction stays in order). */
  latencyMs: readonly [number, number]
  /** Time to open a connection (TCP + upgrade), [min, max]. */
  connectMs: readonly [number, number]
  /** A connection attempt is refused (ECONNREFUSED). */
  refuseRate: number
  /** Before each frame is delivered, the connection breaks instead (packet loss that TCP could not repair). */
  breakPerFrame: number
  /** An opened connection is split (closed mid-stream) at a random time within `splitWindowMs`. */
  splitRate: number
  splitWindowMs: number
  /** An opened connection turns into a black hole at a random time: nothing passes, no close is ever reported. */
  blackholeRate: number
  /** How long a side takes to notice a broken connection, [min, max]. */
  noticeMs: readonly [number, number]
  /**
   * An in-process carrier (a custom transport): frames are handed over synchronously, inside `send()` and inside the
   * node's send, and a close is reported inside `close()` — re-entrant calls into the client core.
   */
  synchronous: boolean
}

/**
 * An active relay on the path (a `ws://` hop, or a proxy that terminates TLS), which can do exactly what such a relay
 * can: alter bytes, replay frames it saw (later on the same connection, or into a later connection), hold frames back
 * so later ones overtake them, and replay the client's frames to the node.
 */
export interface AdversaryPlan {
  /** Flip one hex digit of an encrypted node → client frame's ciphertext (or alter its unauthenticated `index`/`id`). */
  tamperRate: number
  /** Deliver a node → client frame again, later. */
  replayRate: number
  /** Hold a node → client frame back behind later ones. */
  reorderRate: number
  /** Replay a node → client frame recorded on an earlier connection into a new one. */
  crossReplayRate: number
  /** Deliver a client → node frame again, later (the node may then answer a prompt twice: the client must not). */
  clientReplayRate: number
}

/** Node-side events of a schedule. */
export interface NodeEvent {
  at: number
  /** `keys`: the node loses its session keys, connections stay; `crash`: also every connection dies and the node is down `downMs`. */
  kind: 'keys' | 'crash'
  downMs: number
}

const DISABLED_ADVERSARY: AdversaryPlan = {
  tamperRate: 0,
  replayRate: 0,
  reorderRate: 0,
  crossReplayRate: 0,
  clientReplayRate: 0,
}

function frameType(text: string): string {
  const m = /"type":"([A-Za-z_]+)"/.exec(text.length > 200 ? text.slice(0, 200) : text)
  return m ? m[1]! : '?'
}

/** Flip one hex digit of `ciphertextHex`, at a position chosen by `prng`; undefined when the frame has none. */
export function tamperCiphertext(text: string, prng: Prng): string | undefined {
  const key = '"ciphertextHex":"'
  const start = text.indexOf(key)
  if (start < 0) return undefined
  const from = start + key.length
  const end = text.indexOf('"', from)
  if (end <= from) return undefined
  const at = from + prng.int(0, end - from - 1)
  const digit = Number.parseInt(text[at]!, 16)
  if (Number.isNaN(digit)) return undefined
  return `${text.slice(0, at)}${(digit ^ 0x1).toString(16)}${text.slice(at + 1)}`
}

/**
 * Alter an unauthenticated field the way a relay could: shift a numeric `index`, or change the last character of the
 * request `id`. Undefined when the frame has neither.
 */
export function tamperField(text: string, prng: Prng): string | undefined {
  const index = /"index":(\d+)/.exec(text)
  const id = /"id":"([^"]+)"/.exec(text)
  if (index && (!id || prng.chance(0.5))) {
    const n = Number(index[1])
    const to = n === 0 || prng.chance(0.5) ? n + 1 : n - 1
    return `${text.slice(0, index.index)}"index":${to}${text.slice(index.index + index[0].length)}`
  }
  if (!id) return undefined
  const end = id.index + id[0].length - 1
  const last = text[end - 1]
  return `${text.slice(0, end - 1)}${last === 'x' ? 'y' : 'x'}${text.slice(end)}`
}

/** Counters of what the network did (for the report). */
export interface NetworkStats {
  connects: number
  refused: number
  breaks: number
  blackholes: number
  tampered: number
  replayed: number
  reordered: number
  /** `SESSION_KEY_NOT_FOUND` errors the node sent (the resend-once path). */
  keyNotFound: number
  /** Session inits the client sent (first inits, re-inits and re-keys). */
  inits: number
}

/** Every counter at zero. */
export function emptyNetworkStats(): NetworkStats {
  return {
    connects: 0,
    refused: 0,
    breaks: 0,
    blackholes: 0,
    tampered: 0,
    replayed: 0,
    reordered: 0,
    keyNotFound: 0,
    inits: 0,
  }
}

/** The simulated network between one client and the node: the client's {@link Carrier}. */
export class SimNetwork implements Carrier {
  private nextId = 1
  private downUntil = Number.NEGATIVE_INFINITY
  /** Connections not yet reported closed to the client. */
  readonly links = new Set<SimLink>()
  /** Every connection of the schedule. */
  readonly all: SimLink[] = []
  /** Every `encrypted_session_init` the client sent (to identify its keys in the zeroization check). */
  readonly inits: string[] = []
  /** Encrypted node → client frames seen so far (for cross-connection replays). */
  readonly recorded: string[] = []
  readonly stats: NetworkStats = emptyNetworkStats()

  constructor(
    readonly sched: VirtualScheduler,
    readonly node: SimNode,
    readonly plan: NetworkPlan,
    readonly prng: Prng,
    readonly adversary: AdversaryPlan = DISABLED_ADVERSARY,
    readonly adversaryPrng: Prng = prng,
  ) {}

  connect(events: CarrierEvents): Connection {
    this.stats.connects++
    const link = new SimLink(this, this.nextId++, events)
    this.links.add(link)
    this.all.push(link)
    return link
  }

  get nodeDown(): boolean {
    return this.sched.now < this.downUntil
  }

  latency(): number {
    return this.prng.int(this.plan.latencyMs[0], this.plan.latencyMs[1])
  }

  notice(): number {
    return this.prng.int(this.plan.noticeMs[0], this.plan.noticeMs[1])
  }

  /** Apply a node event: lose the session keys; on a crash also cut every connection and refuse new ones a while. */
  nodeEvent(e: NodeEvent): void {
    this.node.core.restart()
    if (e.kind !== 'crash') return
    this.downUntil = this.sched.now + e.downMs
    for (const link of [...this.links]) link.break('node crashed')
  }

  /** End of a schedule: the node forgets every connection still open (black holes never close on their own). */
  teardown(): void {
    for (const link of this.all) link.closeNodeSide()
  }
}

/** One simulated WebSocket connection. */
export class SimLink implements Connection {
  private state: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting'
  private nodeConn: NodeConnection | undefined
  private nodeClosed = false
  private broken = false
  private blackholed = false
  private reported = false
  private lastToNode = 0
  private lastToClient = 0
  private readonly tag: string

  constructor(
    private readonly net: SimNetwork,
    readonly id: number,
    private readonly events: CarrierEvents,
  ) {
    this.tag = `L${id}`
    const sched = net.sched
    sched.after(net.prng.int(net.plan.connectMs[0], net.plan.connectMs[1]), `${this.tag} dial`, () =>
      this.dial(),
    )
  }

  private dial(): void {
    if (this.state !== 'connecting') return
    const net = this.net
    if (net.nodeDown || net.prng.chance(net.plan.refuseRate)) {
      net.stats.refused++
      this.report({
        code: 1006,
        reason: '',
        opened: false,
        failure: new FabstirError('CONNECTION_FAILED', 'simulated: the connection was refused', {
          retryable: true,
          details: { cause: 'refused', code: 'ECONNREFUSED' },
        }),
      })
      return
    }
    this.state = 'open'
    this.lastToClient = net.sched.now
    this.lastToNode = net.sched.now
    this.net.sched.trace.record(net.sched.now, `${this.tag} open`)
    this.events.open()
    this.nodeConn = net.node.core.openConnection(
      (text) => this.fromNode(text),
      () => this.nodeTerminated(),
    )
    if (net.prng.chance(net.plan.splitRate)) {
      net.sched.after(net.prng.int(0, net.plan.splitWindowMs), `${this.tag} split`, () => this.break('split'))
    }
    if (net.prng.chance(net.plan.blackholeRate)) {
      net.sched.after(net.prng.int(0, net.plan.splitWindowMs), `${this.tag} blackhole`, () => {
        if (this.state === 'closed' || this.broken) return
        net.stats.blackholes++
        this.blackholed = true
      })
    }
    this.crossReplay()
  }

  /** The relay replays a frame it saw on an earlier connection into this one. */
  private crossReplay(): void {
    const net = this.net
    const adv = net.adversaryPrng
    if (net.recorded.length === 0 || !adv.chance(net.adversary.crossReplayRate)) return
    const text = adv.pick(net.recorded)
    net.stats.replayed++
    net.sched.after(net.latency() + adv.int(0, 300), `${this.tag} n>c replay-old ${frameType(text)}`, () =>
      this.deliverToClient(text),
    )
  }

  send(text: string): void {
    const net = this.net
    if (this.state !== 'open' || this.broken) return
    if (this.blackholed) return
    if (net.prng.chance(net.plan.breakPerFrame)) {
      this.break('lost')
      return
    }
    const type = frameType(text)
    if (type === 'encrypted_session_init') {
      net.inits.push(text)
      net.stats.inits++
    }
    if (net.plan.synchronous) {
      net.sched.trace.record(net.sched.now, `${this.tag} c>n ${type} ${text.length} sync`)
      this.deliverToNode(text)
      return
    }
    const at = Math.max(this.lastToNode, net.sched.now + net.latency())
    this.lastToNode = at
    const label = `${this.tag} c>n ${type} ${text.length}`
    net.sched.at(at, label, () => this.deliverToNode(text))
    if (net.adversaryPrng.chance(net.adversary.clientReplayRate)) {
      net.stats.replayed++
      net.sched.at(at + net.adversaryPrng.int(20, 2000), `${label} replayed`, () => this.deliverToNode(text))
    }
  }

  private deliverToNode(text: string): void {
    if (this.broken || this.blackholed || this.nodeClosed) return
    this.nodeConn?.receive(text)
  }

  private fromNode(text: string): void {
    const net = this.net
    if (this.broken || this.blackholed || this.reported) return
    if (net.prng.chance(net.plan.breakPerFrame)) {
      this.break('lost')
      return
    }
    const adv = net.adversaryPrng
    const type = frameType(text)
    if (type === 'error' && text.includes('SESSION_KEY_NOT_FOUND')) net.stats.keyNotFound++
    let out = text
    let note = ''
    if (adv.chance(net.adversary.tamperRate)) {
      const tampered = adv.chance(0.7) ? tamperCiphertext(text, adv) : tamperField(text, adv)
      if (tampered !== undefined) {
        out = tampered
        note = ' tampered'
        net.stats.tampered++
      }
    }
    if (type.startsWith('encrypted_')) net.recorded.push(text)
    if (net.plan.synchronous) {
      net.sched.trace.record(net.sched.now, `${this.tag} n>c ${type} ${text.length}${note} sync`)
      this.deliverToClient(out)
      return
    }
    let at: number
    if (adv.chance(net.adversary.reorderRate)) {
      at = net.sched.now + net.latency() + adv.int(1, 300)
      note += ' held'
      net.stats.reordered++
    } else {
      at = Math.max(this.lastToClient, net.sched.now + net.latency())
      this.lastToClient = at
    }
    const label = `${this.tag} n>c ${type} ${text.length}${note}`
    net.sched.at(at, label, () => this.deliverToClient(out))
    if (adv.chance(net.adversary.replayRate)) {
      net.stats.replayed++
      net.sched.at(at + adv.int(0, 500), `${label} replayed`, () => this.deliverToClient(out))
    }
  }

  private deliverToClient(text: string): void {
    if (this.broken || this.blackholed || this.reported) return
    this.events.message(text)
  }

  close(code: number, reason: string): void {
    const net = this.net
    if (this.state === 'connecting') {
      this.state = 'closed'
      net.sched.after(0, `${this.tag} close-while-connecting`, () =>
        this.report({ code: 1006, reason: '', opened: false }),
      )
      return
    }
    if (this.state !== 'open') return
    this.state = 'closing'
    if (this.broken) return
    if (this.blackholed) {
      // The close handshake never completes; the client's WebSocket gives up after its close timeout.
      net.sched.after(net.prng.int(1000, 10_000), `${this.tag} close-timeout`, () =>
        this.report({ code: 1006, reason: '', opened: true }),
      )
      return
    }
    if (net.plan.synchronous) {
      this.closeNodeSide()
      this.report({ code, reason, opened: true })
      return
    }
    // The close frame follows the frames already sent; the node answers it after the frames it sent before.
    const at = Math.max(this.lastToNode, net.sched.now + net.latency())
    net.sched.at(at, `${this.tag} c>n close ${code}`, () => {
      if (this.broken) return
      this.closeNodeSide()
      const back = Math.max(this.lastToClient, net.sched.now + net.latency())
      net.sched.at(back, `${this.tag} closed ${code}`, () => this.report({ code, reason, opened: true }))
    })
  }

  /** The network breaks this connection: in-flight frames are lost, each side notices after a while. */
  break(why: string): void {
    if (this.broken || this.state === 'closed' || this.reported) return
    const net = this.net
    net.stats.breaks++
    this.broken = true
    net.sched.trace.record(net.sched.now, `${this.tag} break ${why}`)
    net.sched.after(net.notice(), `${this.tag} node-notices`, () => this.closeNodeSide())
    net.sched.after(net.notice(), `${this.tag} client-notices`, () =>
      this.report({ code: 1006, reason: '', opened: true }),
    )
  }

  /** The node ended the connection itself (a close fault): frames it sent first still arrive, then the close. */
  private nodeTerminated(): void {
    this.nodeClosed = true
    if (this.broken || this.blackholed) return
    const net = this.net
    const at = Math.max(this.lastToClient, net.sched.now + net.latency())
    net.sched.at(at, `${this.tag} closed-by-node`, () =>
      this.report({ code: 1006, reason: '', opened: true }),
    )
  }

  closeNodeSide(): void {
    if (this.nodeClosed) return
    this.nodeClosed = true
    this.nodeConn?.close()
  }

  private report(info: ConnectionClosed): void {
    if (this.reported) return
    this.reported = true
    this.state = 'closed'
    this.net.links.delete(this)
    this.events.closed(info)
  }
}

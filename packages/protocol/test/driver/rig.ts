import { createNodeCore, type NodeConnection, type NodeCore, type NodeCoreOptions } from '@fabstir/node-sim'
import { resolveOptions } from '../../src/client/options.js'
import {
  type ClientCoreOptions,
  type ClientStatus,
  type DigestSigner,
  type DriverOutput,
  type FabstirError,
  HandshakeGate,
  type Reply,
  SessionDriver,
  type StreamDelta,
} from '../../src/index.js'
import { createTestSigner, randomPrivateKey } from '../helpers/signers.js'

/** How the rig plays the shell's part; each step can be left to the test instead. */
export interface RigOptions {
  /** Node core options (the rig injects its virtual clock as `now`). */
  core?: Omit<NodeCoreOptions, 'privateKey' | 'now'>
  /** Client options (node key and signer are filled in). */
  client?: Partial<ClientCoreOptions>
  /** Grant handshake slots at once (default true). */
  grantSlots?: boolean
  /** Open connections at once (default true); otherwise `connect` outputs just wait. */
  openConnections?: boolean
  /** Run the signer at once and report its result (default true); otherwise `sign` outputs wait in `signRequests`. */
  sign?: boolean
}

/** One request's story as the driver told it. */
export interface RequestLog {
  deltas: StreamDelta[]
  reply?: Reply
  error?: FabstirError
}

/**
 * A {@link SessionDriver} wired to an in-memory node-sim core — no sockets, no timers: a virtual clock (`now`,
 * advanced by `advance`) and a shell played by the test. Every output is logged in order.
 */
export class Rig {
  readonly core: NodeCore
  readonly driver: SessionDriver
  readonly signer: DigestSigner
  now = 1_000_000
  /** Every output, in order. */
  readonly outputs: DriverOutput[] = []
  /** Frames the driver sent, parsed. */
  readonly sent: { type: string; id?: string }[] = []
  readonly statuses: ClientStatus[] = []
  readonly requests = new Map<number, RequestLog>()
  readonly signRequests: Extract<DriverOutput, { type: 'sign' }>[] = []
  readonly connectRequests: number[] = []
  ended: Extract<DriverOutput, { type: 'ended' }> | undefined
  opened = false
  /** When true, node frames are lost on the way (a node that went quiet). */
  deaf = false
  /** When set, every connection fails before it opens, with this failure. */
  refuse: FabstirError | undefined
  slotsHeld = 0
  connection: NodeConnection | undefined
  /** Names the live node connection: frames of a closed one are not delivered. */
  private token: object | undefined
  private readonly options: RigOptions

  constructor(options: RigOptions = {}, start: { sessionId?: string } = {}) {
    this.options = options
    this.core = createNodeCore({
      // No real waiting inside the node either: chunk delays resolve at once.
      sleep: () => Promise.resolve(),
      ...options.core,
      privateKey: randomPrivateKey(),
      now: () => this.now,
    })
    this.signer = createTestSigner()
    const opts = resolveOptions({
      nodePublicKey: this.core.publicKey,
      signer: this.signer,
      handshakeGate: new HandshakeGate(1),
      random: () => 0.5,
      ...options.client,
    })
    this.driver = new SessionDriver(opts, {
      jobId: '42',
      modelName: 'tiny-vicuna',
      pricePerToken: 2_272_727_273,
      ...start,
    })
  }

  /** Open the session and let everything settle. */
  async open(): Promise<void> {
    this.driver.open(this.now)
    await this.settle()
  }

  /** Queue a prompt; returns its key. */
  prompt(text: string, id?: string): number {
    const key = this.driver.prompt(text, id === undefined ? {} : { id }, this.now)
    this.requests.set(key, { deltas: [] })
    this.drain()
    return key
  }

  /** Move the virtual clock to `now + ms`, calling `handleTimeout` at every deadline on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms
    for (;;) {
      const due = this.driver.nextDeadline()
      if (due === undefined || due > target) break
      this.now = Math.max(this.now, due)
      this.driver.handleTimeout(this.now)
      await this.settle()
    }
    this.now = target
    await this.settle()
  }

  /** Take outputs until there are none, then let the node and signer run, until nothing moves. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 5; ) {
      const moved = this.drain()
      await new Promise((resolve) => setTimeout(resolve, 0))
      quiet = moved || this.drain() ? 0 : quiet + 1
    }
  }

  /** The node side closes the connection (a crash, a proxy drop). */
  dropFromNode(code = 1006): void {
    const conn = this.connection
    this.connection = undefined
    this.token = undefined
    conn?.close()
    this.driver.connectionClosed({ code, reason: '', opened: true }, this.now)
    this.drain()
  }

  /** Feed a connection that failed before it opened. */
  failConnect(failure?: FabstirError): void {
    this.driver.connectionClosed({ code: 1006, reason: '', opened: false, failure }, this.now)
    this.drain()
  }

  /** Open the node connection for a pending `connect` (when `openConnections` is off). */
  openConnection(): void {
    const token = {}
    this.token = token
    this.driver.connected(this.now)
    this.connection = this.core.openConnection(
      // Like a network, node frames arrive after the node's own step has finished.
      (text) =>
        setImmediate(() => {
          if (this.token !== token || this.deaf) return
          this.driver.receive(text, this.now)
          this.drain()
        }),
      () => {
        if (this.token !== token) return
        this.token = undefined
        this.connection = undefined
        this.driver.connectionClosed({ code: 1006, reason: '', opened: true }, this.now)
        this.drain()
      },
    )
  }

  /** Run a `sign` output's init and report its result (by default the oldest held one). */
  async runSign(request = this.signRequests.shift()!): Promise<void> {
    try {
      const frame = await request.init()
      this.driver.signed(request.attempt, { frame }, this.now)
    } catch (error) {
      this.driver.signed(request.attempt, { error }, this.now)
    }
    this.drain()
  }

  /** The outputs of one type, in order. */
  of<T extends DriverOutput['type']>(type: T): Extract<DriverOutput, { type: T }>[] {
    return this.outputs.filter((o): o is Extract<DriverOutput, { type: T }> => o.type === type)
  }

  private drain(): boolean {
    let moved = false
    for (let o = this.driver.poll(); o; o = this.driver.poll()) {
      moved = true
      this.outputs.push(o)
      this.execute(o)
    }
    return moved
  }

  private execute(o: DriverOutput): void {
    switch (o.type) {
      case 'slot':
        if (o.want && this.options.grantSlots !== false) {
          this.slotsHeld++
          this.driver.slotGranted(this.now)
        } else if (!o.want && this.slotsHeld > 0) this.slotsHeld--
        return
      case 'connect':
        this.connectRequests.push(this.now)
        if (this.refuse) {
          const failure = this.refuse
          this.driver.connectionClosed({ code: 1006, reason: '', opened: false, failure }, this.now)
        } else if (this.options.openConnections !== false) this.openConnection()
        return
      case 'send':
        this.sent.push(JSON.parse(o.text))
        this.connection?.receive(o.text)
        return
      case 'disconnect': {
        const conn = this.connection
        this.connection = undefined
        this.token = undefined
        conn?.close()
        if (!o.drop) this.driver.connectionClosed({ code: o.code, reason: o.reason, opened: true }, this.now)
        return
      }
      case 'sign':
        if (this.options.sign === false) this.signRequests.push(o)
        else void this.runSign(o)
        return
      case 'status':
        this.statuses.push(o.status)
        return
      case 'opened':
        this.opened = true
        return
      case 'ended':
        this.ended = o
        return
      case 'delta':
        this.requests.get(o.request)?.deltas.push(o.delta)
        return
      case 'reply':
        this.requests.get(o.request)!.reply = o.reply
        return
      case 'failed':
        this.requests.get(o.request)!.error = o.error
        return
      case 'warning':
        return
    }
  }
}

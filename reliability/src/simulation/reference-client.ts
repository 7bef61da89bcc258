import { createSession, type EncryptedSession, FabstirError, type ProtocolEvent } from '@fabstir/protocol'
import type { ClientDeps, ClientUnderTest, SessionStart, SessionUnderTest } from './client-under-test.js'
import type { Connection } from './shell-types.js'

/**
 * The smallest client that keeps the shell contract: one connection per session, no reconnect, any deadline or loss
 * ends the session with a typed error. It validates the simulator itself (a simple client with a known behaviour) and
 * stands in for the SDK's client core where that is not available.
 */
export function referenceClient(deps: ClientDeps): ClientUnderTest {
  const sessions = new Set<RefSession>()
  let closed = false
  const rearm = (): void => {
    let at: number | undefined
    for (const s of sessions)
      if (s.deadline !== undefined && (at === undefined || s.deadline < at)) at = s.deadline
    deps.clock.arm(at, () => {
      const now = deps.clock.now()
      for (const s of [...sessions]) if (s.deadline !== undefined && s.deadline <= now) s.expire()
      rearm()
    })
  }
  const forget = (s: RefSession): void => {
    sessions.delete(s)
    rearm()
  }
  return {
    startSession(options) {
      if (closed) return Promise.reject(new FabstirError('SESSION_CLOSED', 'the client is closed'))
      const s = new RefSession(deps, options, rearm, forget)
      sessions.add(s)
      return s.started
    },
    async close() {
      closed = true
      for (const s of [...sessions]) await s.close()
    },
  }
}

interface Req {
  text: string
  resolve(text: string): void
  reject(e: FabstirError): void
  onText?: (text: string) => void
  chunks: string[]
  id?: string
  settled: boolean
}

class RefSession implements SessionUnderTest {
  private readonly proto: EncryptedSession
  private readonly conn: Connection
  private phase: 'connecting' | 'handshake' | 'ready' | 'done' = 'connecting'
  deadline: number | undefined
  private readonly queue: Req[] = []
  private active: Req | undefined
  private cancelling = false
  readonly started: Promise<SessionUnderTest>
  private startResult!: { resolve(s: SessionUnderTest): void; reject(e: FabstirError): void }

  constructor(
    private readonly deps: ClientDeps,
    options: SessionStart,
    private readonly rearm: () => void,
    private readonly forget: (s: RefSession) => void,
  ) {
    this.started = new Promise((resolve, reject) => {
      this.startResult = { resolve, reject }
    })
    this.proto = createSession({ nodePublicKey: deps.nodePublicKey, signer: deps.signer, ...options })
    this.deadline = deps.clock.now() + deps.plan.timeouts.connectMs
    this.conn = deps.carrier.connect({
      open: () => {},
      message: (text) => this.receive(text),
      closed: (info) => {
        if (this.phase === 'done') return
        this.proto.connectionLost()
        this.fail(info.failure ?? new FabstirError('CONNECTION_LOST', `connection closed (${info.code})`))
      },
    })
  }

  private setDeadline(ms: number | undefined): void {
    this.deadline = ms === undefined ? undefined : this.deps.clock.now() + ms
    this.rearm()
  }

  private receive(text: string): void {
    if (this.phase === 'done') return
    for (const e of this.proto.receive(text)) this.handle(e)
  }

  private handle(e: ProtocolEvent): void {
    const t = this.deps.plan.timeouts
    switch (e.type) {
      case 'connected':
        this.phase = 'handshake'
        this.setDeadline(t.ackMs)
        this.proto.init().then(
          (frame) => {
            if (this.phase !== 'handshake') return
            this.conn.send(JSON.stringify(frame))
            this.setDeadline(t.ackMs)
          },
          (error: unknown) => this.fail(error),
        )
        return
      case 'ready':
        this.phase = 'ready'
        this.setDeadline(undefined)
        this.startResult.resolve(this)
        this.pump()
        return
      case 'chunk': {
        const req = this.active
        if (!req || req.id !== e.id) return
        this.setDeadline(t.idleMs)
        if (req.settled || e.text === '') return
        req.chunks.push(e.text)
        req.onText?.(e.text)
        return
      }
      case 'end': {
        const req = this.active
        if (!req) return
        this.active = undefined
        this.cancelling = false
        this.setDeadline(undefined)
        if (!req.settled) {
          req.settled = true
          if (e.reason === 'complete') req.resolve(req.chunks.join(''))
          else req.reject(new FabstirError('NODE_ERROR', `the answer ended: ${e.reason}`))
        }
        this.pump()
        return
      }
      case 'error':
        // A request-level error leaves the protocol session ready; anything else ends this simple client's session.
        if (this.phase !== 'ready' || (this.proto.state !== 'ready' && this.proto.state !== 'streaming')) {
          this.fail(e.error)
          return
        }
        if (this.active) {
          const req = this.active
          this.active = undefined
          this.cancelling = false
          this.setDeadline(undefined)
          if (!req.settled) {
            req.settled = true
            req.reject(e.error)
          }
        }
        this.pump()
        return
      default:
        return
    }
  }

  private pump(): void {
    if (this.phase !== 'ready' || this.active) return
    const req = this.queue.shift()
    if (!req) return
    this.active = req
    const frame = this.proto.prompt(req.text)
    req.id = frame.id
    this.conn.send(JSON.stringify(frame))
    this.setDeadline(this.deps.plan.timeouts.firstChunkMs)
  }

  expire(): void {
    this.fail(new FabstirError('TIMEOUT', `deadline passed in phase ${this.phase}`))
  }

  private fail(error: unknown): void {
    if (this.phase === 'done') return
    const e =
      error instanceof FabstirError
        ? error
        : new FabstirError('SIGNER_FAILED', 'the wallet failed', { cause: error })
    this.phase = 'done'
    this.deadline = undefined
    this.proto.close()
    this.conn.close(1000, '')
    this.forget(this)
    this.startResult.reject(e)
    for (const req of [this.active, ...this.queue.splice(0)]) {
      if (req && !req.settled) {
        req.settled = true
        req.reject(e)
      }
    }
    this.active = undefined
  }

  send(text: string, options: { signal?: AbortSignal; onText?: (text: string) => void }): Promise<string> {
    if (this.phase === 'done')
      return Promise.reject(new FabstirError('SESSION_CLOSED', 'the session is closed'))
    return new Promise((resolve, reject) => {
      const req: Req = {
        text,
        resolve,
        reject,
        chunks: [],
        settled: false,
        ...(options.onText ? { onText: options.onText } : {}),
      }
      options.signal?.addEventListener('abort', () => this.abort(req), { once: true })
      this.queue.push(req)
      this.pump()
    })
  }

  private abort(req: Req): void {
    if (req.settled) return
    req.settled = true
    req.reject(new FabstirError('ABORTED', 'aborted by the caller'))
    const i = this.queue.indexOf(req)
    if (i >= 0) {
      this.queue.splice(i, 1)
      return
    }
    if (this.active === req && !this.cancelling) {
      const cancel = this.proto.cancel()
      if (cancel) {
        this.cancelling = true
        this.conn.send(JSON.stringify(cancel))
        this.setDeadline(this.deps.plan.timeouts.idleMs)
      }
    }
  }

  close(): Promise<void> {
    this.fail(new FabstirError('SESSION_CLOSED', 'the session was closed'))
    return Promise.resolve()
  }
}

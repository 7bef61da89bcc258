import { FabstirError } from '@fabstir/protocol'
import { ClientSession, type ClientStatus, type StartSessionOptions } from './client-session.js'
import { Emitter } from './emitter.js'
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './options.js'

/** Events of a {@link FabstirClient} (listener arguments per event name). */
export type ClientEvents = {
  /** A session's status changed: the new status and the session it belongs to. */
  status: [ClientStatus, ClientSession]
}

/**
 * Entry point: holds the connection settings and opens sessions. Each session has its own WebSocket connection
 * (the node serves one request at a time per connection and settles a job when its connection closes).
 */
export class FabstirClient extends Emitter<ClientEvents> {
  private readonly opts: ResolvedOptions
  private readonly sessions = new Set<ClientSession>()
  private closed = false
  private _status: ClientStatus = 'closed'

  constructor(options: ClientOptions) {
    super()
    this.opts = resolveOptions(options)
  }

  /** Status of the most recently active session (`closed` before the first one). */
  get status(): ClientStatus {
    return this._status
  }

  /**
   * Connect, wait for the node's greeting, initialise an encrypted session (or a plaintext one when encryption is
   * off, or allowed as a fallback and the node has no key) and resolve once the node acknowledged it.
   */
  async startSession(options: StartSessionOptions): Promise<ClientSession> {
    if (this.closed) {
      throw new FabstirError('SESSION_CLOSED', 'the client is closed')
    }
    const session = new ClientSession(this.opts, options)
    this.sessions.add(session)
    const forward = (s: ClientStatus) => {
      this._status = s
      this.emit('status', s, session)
      if (s === 'closed' || s === 'failed') this.sessions.delete(session)
    }
    session.on('status', forward)
    forward('connecting')
    await session.open()
    return session
  }

  /** Close every session (zeroing their keys) and refuse new ones. */
  async close(): Promise<void> {
    this.closed = true
    await Promise.all([...this.sessions].map((s) => s.close()))
    this.sessions.clear()
  }
}

/** Create a client. Encryption is on by default; see {@link ClientOptions}. */
export function createClient(options: ClientOptions): FabstirClient {
  return new FabstirClient(options)
}

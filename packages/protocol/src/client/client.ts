import { FabstirError } from '../errors.js'
import { ClientSession, type ClientStatus, type StartSessionOptions } from './client-session.js'
import { Emitter } from './emitter.js'
import { type ClientCoreOptions, type ResolvedOptions, resolveOptions } from './options.js'
import type { Carrier, Clock } from './shell.js'
import { systemClock, Timers } from './timers.js'

/** Events of a {@link FabstirClient} (listener arguments per event name). */
export type ClientEvents = {
  /** A session's status changed: the new status and the session it belongs to. */
  status: [ClientStatus, ClientSession]
}

/** The I/O a client core runs on: a {@link Carrier} for its connections and, optionally, a {@link Clock}. */
export interface ClientShell {
  /** Opens the connections (one per session). */
  carrier: Carrier
  /** Time and the one timer; default: `Date.now()` and `setTimeout`. */
  clock?: Clock
}

/**
 * Entry point: holds the connection settings and opens sessions. Each session has its own connection (the node
 * serves one request at a time per connection and settles a job when its connection closes).
 */
export class FabstirClient extends Emitter<ClientEvents> {
  readonly #opts: ResolvedOptions
  readonly #sessions = new Set<ClientSession>()
  readonly #timers: Timers
  #closed = false
  #_status: ClientStatus = 'closed'

  /** @internal use `createClientCore` (or `createClient` of a transport) */
  readonly #shell: ClientShell

  constructor(options: ClientCoreOptions, shell: ClientShell) {
    super()
    this.#shell = shell
    this.#opts = resolveOptions(options)
    this.#timers = new Timers(shell.clock ?? systemClock())
  }

  /** Status of the most recently active session (`closed` before the first one). */
  get status(): ClientStatus {
    return this.#_status
  }

  /**
   * Connect, wait for the node's greeting, initialise an encrypted session (or a plaintext one when encryption is
   * off, or allowed as a fallback and the node has no key) and resolve once the node acknowledged it.
   */
  async startSession(options: StartSessionOptions): Promise<ClientSession> {
    if (this.#closed) {
      throw new FabstirError('SESSION_CLOSED', 'the client is closed')
    }
    const session = new ClientSession(this.#opts, options, {
      carrier: this.#shell.carrier,
      timers: this.#timers,
    })
    this.#sessions.add(session)
    const forward = (s: ClientStatus) => {
      this.#_status = s
      this.emit('status', s, session)
      if (s === 'closed' || s === 'failed') this.#sessions.delete(session)
    }
    session.on('status', forward)
    forward('connecting')
    await session.open()
    return session
  }

  /** Close every session (zeroing their keys) and refuse new ones. */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.all([...this.#sessions].map((s) => s.close()))
    this.#sessions.clear()
  }
}

/**
 * A client over any carrier: the whole session policy (queueing, deadlines, reconnects, re-keying, fallback) with
 * the I/O left to `shell`. `createClient` of `@fabstir/transport-ws` is this over WebSockets.
 */
export function createClientCore(options: ClientCoreOptions, shell: ClientShell): FabstirClient {
  return new FabstirClient(options, shell)
}

import type { FabstirError } from '../errors.js'
import type { Reply, StreamDelta } from './replies.js'

/** What `session.status` reports; `session.encrypted` is the source of truth for the indicator. */
export type ClientStatus =
  | 'connecting'
  | 'connected'
  | 'encrypted'
  | 'plaintext'
  | 'reconnecting'
  | 'closed'
  | 'failed'

/** A frame the signer's call produced, or why it failed: the input {@link SessionDriver.signed} takes. */
export type SignResult = { frame: object } | { error: unknown }

/**
 * Something the {@link SessionDriver} asks its shell to do, or tells its user. Taken one at a time with
 * {@link SessionDriver.poll}, in order.
 */
export type DriverOutput =
  /** Wait for a handshake slot (`true`: then call `slotGranted`) or give the slot (or the place in line) back. */
  | { type: 'slot'; want: boolean }
  /** Open a connection and report its life with `connected`, `receive`, `connectionClosed`. */
  | { type: 'connect' }
  /** Send one text frame on the open connection. */
  | { type: 'send'; text: string }
  /**
   * Close the connection. `drop`: forget it at once (report nothing more of it); otherwise its close is awaited
   * and reported with `connectionClosed` (recycling a connection in doubt).
   */
  | { type: 'disconnect'; code: number; reason: string; drop: boolean }
  /**
   * Run the one async step, the wallet's signature of the session init: call `init()` (after letting other work
   * run) and report its frame or failure with `signed(attempt, result)`.
   */
  | { type: 'sign'; attempt: number; init: () => Promise<object> | object }
  /** The session's status changed. */
  | { type: 'status'; status: ClientStatus }
  /** The node sent something wrong that cost nothing (the authenticated value was kept). */
  | { type: 'warning'; warning: FabstirError }
  /** The first handshake succeeded: the session is open. */
  | { type: 'opened' }
  /** The session ended (`closed` by the user, or `failed`); every pending request failed with `error`. */
  | { type: 'ended'; status: 'closed' | 'failed'; error: FabstirError }
  /** An authenticated piece of the answer to request `request`. */
  | { type: 'delta'; request: number; delta: StreamDelta }
  /** The whole answer to request `request`. */
  | { type: 'reply'; request: number; reply: Reply }
  /** Request `request` failed (and will get no further output). */
  | { type: 'failed'; request: number; error: FabstirError }

// The contract between the sans-IO client core of `@fabstir/protocol` and an I/O shell (`@fabstir/transport-ws`,
// a MessagePort relay, a simulated network). A shell only moves text frames and reads/arms one clock; every
// decision (queueing, deadlines, retries, re-keying, fallback) is the core's.
import type { FabstirError } from '../errors.js'

/** How a connection ended, as the shell saw it. */
export interface ConnectionClosed {
  /** WebSocket-style close code; 1006 when the carrier cannot tell. */
  readonly code: number
  /** Close reason text (may be empty). */
  readonly reason: string
  /** True when the connection had opened before it closed. */
  readonly opened: boolean
  /**
   * Why the connection could not be opened or broke, when the carrier can tell (refused, DNS, TLS, HTTP status): a
   * `CONNECTION_FAILED` error with `details.cause`. The core decides whether it is worth retrying.
   */
  readonly failure?: FabstirError
}

/** What a carrier reports about one connection. Each callback may be called only while the connection lives. */
export interface CarrierEvents {
  /** The connection is open (for WebSockets: the upgrade succeeded). */
  open(): void
  /** One inbound text frame, exactly as received. */
  message(text: string): void
  /** The connection is gone; called once, after which the connection is dead. */
  closed(info: ConnectionClosed): void
}

/** One connection, as the core uses it. */
export interface Connection {
  /** Send one text frame. */
  send(text: string): void
  /** Close the connection (1000 normal, 4000 recycling a connection in doubt). `closed` must follow. */
  close(code: number, reason: string): void
}

/** Opens connections to one node. */
export interface Carrier {
  /** Start opening a connection; report its life through `events`. */
  connect(events: CarrierEvents): Connection
}

/** Time, as an input: the core never reads a clock or sets a timer of its own. */
export interface Clock {
  /** Milliseconds on a monotonic-enough scale (`Date.now()` by default; virtual in simulations). */
  now(): number
  /** Arm the one timer for `at` (replacing any earlier one); `undefined` disarms it. `fire` is called at or after. */
  arm(at: number | undefined, fire: () => void): void
}

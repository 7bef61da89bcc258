import type { FabstirError } from '../errors.js'
import type { Reply, StreamDelta } from './replies.js'
import type { SessionDriver } from './session-driver.js'

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
export type SignResult =
  | {
      /** The signed session-init frame. */
      frame: object
    }
  | {
      /** Whatever the call threw or rejected with (the driver makes it a typed error). */
      error: unknown
    }

/**
 * Something the {@link SessionDriver} asks its shell to do, or tells its user. Taken one at a time with
 * {@link SessionDriver.poll}, in order. `request` names a prompt by the key {@link SessionDriver.prompt} returned.
 */
export type DriverOutput =
  /** Wait for a handshake slot (`want: true`: then call `slotGranted`) or give the slot (or the place in line) back. */
  | {
      /** Discriminant. */
      type: 'slot'
      /** True: wait for a slot; false: give it (or the place in line) back. */
      want: boolean
    }
  /** Open a connection and report its life with `connected`, `receive`, `connectionClosed`. */
  | {
      /** Discriminant. */
      type: 'connect'
    }
  /** Send one text frame on the open connection. */
  | {
      /** Discriminant. */
      type: 'send'
      /** The frame, JSON text. */
      text: string
    }
  /** Close the connection. */
  | {
      /** Discriminant. */
      type: 'disconnect'
      /** Close code: 1000 normal, 4000 recycling a connection in doubt. */
      code: number
      /** Close reason. */
      reason: string
      /** Forget the connection at once (report nothing more of it); otherwise report its close with `connectionClosed`. */
      drop: boolean
    }
  /** Run the one async step, the wallet's signature of the session init, and report it with `signed`. */
  | {
      /** Discriminant. */
      type: 'sign'
      /** Names this signing; pass it back to `signed`. A result for an older attempt is dropped. */
      attempt: number
      /** Builds and signs the init frame; call it after letting other work run (one handshake's crypto per turn). */
      init: () => Promise<object> | object
    }
  /** The session's status changed. */
  | {
      /** Discriminant. */
      type: 'status'
      /** The new status. */
      status: ClientStatus
    }
  /** The node sent something wrong that cost nothing (the authenticated value was kept). */
  | {
      /** Discriminant. */
      type: 'warning'
      /** What was wrong. */
      warning: FabstirError
    }
  /** The first handshake succeeded: the session is open. */
  | {
      /** Discriminant. */
      type: 'opened'
    }
  /** The session ended; every pending request failed before this output. */
  | {
      /** Discriminant. */
      type: 'ended'
      /** `closed` by the user, or `failed`. */
      status: 'closed' | 'failed'
      /** Why: `SESSION_CLOSED` after `close`, else the failure. */
      error: FabstirError
    }
  /** An authenticated piece of an answer. */
  | {
      /** Discriminant. */
      type: 'delta'
      /** The prompt's key. */
      request: number
      /** The piece. */
      delta: StreamDelta
    }
  /** The whole answer to a prompt. */
  | {
      /** Discriminant. */
      type: 'reply'
      /** The prompt's key. */
      request: number
      /** The answer. */
      reply: Reply
    }
  /** A prompt failed (and gets no further output). */
  | {
      /** Discriminant. */
      type: 'failed'
      /** The prompt's key. */
      request: number
      /** Why. */
      error: FabstirError
    }

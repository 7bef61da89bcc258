import { FabstirError } from '../errors.js'
import type { Logger } from '../logger.js'
import { verifyNodePublicKey } from '../node-key.js'
import type { PlaintextSession, PlaintextSessionOptions } from '../plaintext-session.js'
import type { DigestSigner } from '../signer.js'
import { type HandshakeGate, handshakeGate } from './admission.js'

/**
 * Makes the sessions of the deprecated plaintext protocol: `plaintextProtocol` of `@fabstir/protocol/plaintext`.
 * Passed in (never imported by the client core) so that plaintext is an explicit, greppable choice.
 */
export type PlaintextProtocol = (options: PlaintextSessionOptions) => PlaintextSession

/**
 * Default of {@link ClientCoreOptions.rekeyAfterFrames}: the replay detector then holds at most 2,048 nonce
 * fingerprints — a 32 KiB table — per session between answers (a re-key costs about one session init).
 */
export const DEFAULT_REKEY_AFTER_FRAMES = 2048

/** Timeouts in milliseconds; each expiry is a `TIMEOUT` error whose `details.phase` names it. */
export interface Timeouts {
  /**
   * Socket open + the node's `connected` greeting. Default 10 s. Counted from the moment the handshake is admitted
   * (see {@link ClientCoreOptions.handshakeGate}), not while it waits for a slot.
   */
  connectMs?: number
  /** `session_init_ack` after the init frame. Default 15 s. */
  ackMs?: number
  /** First answer frame after a prompt. Default 60 s (models can be slow to start). */
  firstChunkMs?: number
  /** Longest silence between two frames of an answer. Default 30 s. */
  idleMs?: number
}

/**
 * Reconnection after an unexpected disconnect: the prompt in flight fails with `CONNECTION_LOST` (never
 * replayed), queued prompts wait, and the session is re-keyed under the same `session_id` on the new
 * connection.
 */
export interface ReconnectPolicy {
  /** Reconnection attempts after an unexpected disconnect. Default 5. */
  attempts?: number
  /** First backoff delay; doubles per attempt, with full jitter. Default 250 ms. */
  baseDelayMs?: number
  /** Backoff cap. Default 10 s. */
  maxDelayMs?: number
}

/** Automatic retry of a prompt the node refused with `RATE_LIMITED` (the node never processed it). */
export interface RateLimitRetryPolicy {
  /** How many times one prompt is retried after `RATE_LIMITED`. Default 1. */
  attempts?: number
  /** Give up instead of waiting longer than this for one retry. Default 60 s. */
  maxWaitMs?: number
}

/**
 * Options of a client, whatever carries its frames (`createClient` of `@fabstir/transport-ws` adds the URL and the
 * socket factory). Checked when the client is created: invalid values throw `INVALID_CONFIG` with `details.field`,
 * and a `nodePublicKey` that does not match `expectedNodeAddress` throws `NODE_KEY_MISMATCH` (without
 * `expectedNodeAddress`, a malformed `nodePublicKey` is reported by `startSession`).
 */
export interface ClientCoreOptions {
  /** Required when encryption is on: the node's static secp256k1 public key, obtained out of band. */
  nodePublicKey?: Uint8Array | string
  /**
   * The node's host address (registry metadata). When set, `nodePublicKey` is checked against it before any secret
   * is sent; a wrong or swapped key fails with `NODE_KEY_MISMATCH`.
   */
  expectedNodeAddress?: string
  /** Required when encryption is on: signs the session init (raw digest). */
  signer?: DigestSigner
  /**
   * End-to-end encryption. Default `true`. `false` uses the deprecated plaintext protocol, which must also be passed
   * as {@link ClientCoreOptions.plaintext}.
   */
  encryption?: boolean
  /**
   * Fall back to plaintext when — and only when — the node answers `ENCRYPTION_NOT_SUPPORTED`. Default `false`.
   * Needs {@link ClientCoreOptions.plaintext}.
   */
  allowPlaintextFallback?: boolean
  /**
   * The plaintext protocol, `plaintextProtocol` of `@fabstir/transport-ws/plaintext` (or `@fabstir/protocol/plaintext`):
   * required with `encryption: false` or `allowPlaintextFallback: true`, else `INVALID_CONFIG`. An explicit import,
   * so that nothing is ever sent in plaintext by accident and apps that stay encrypted do not ship that code.
   */
  plaintext?: PlaintextProtocol
  /** Per-phase timeouts; unset fields keep their defaults. */
  timeouts?: Timeouts
  /** Reconnect after unexpected disconnects (default on); `false` to fail the session instead. */
  reconnect?: false | ReconnectPolicy
  /** Retry a prompt after `RATE_LIMITED`, waiting `retryAfterMs`. Off by default. */
  retryOnRateLimit?: false | RateLimitRetryPolicy
  /**
   * Re-key the encrypted session (a fresh session key for the same `session_id`, between answers) once this many
   * node frames were authenticated under the current key. Bounds the memory of the replay detector (one short entry
   * per frame, about 16 bytes each). Default 2,048 ({@link DEFAULT_REKEY_AFTER_FRAMES}): a 32 KiB table per session.
   * The re-key happens between answers, so a single answer longer than this grows the table until it ends.
   */
  rekeyAfterFrames?: number
  /** Receives frame types, ids, sizes and error codes only — never keys, session data or plaintext. */
  logger?: Logger
  /**
   * Admission control for handshakes (connect, greeting, init, acknowledgement — also on reconnect and re-key).
   * Default: the process-wide gate shared by every client, which admits 32 at once (`setMaxConcurrentHandshakes`
   * changes that); the others queue in order. Pass `new HandshakeGate(n)` to give this client a gate of its own.
   */
  handshakeGate?: HandshakeGate
  /** Injected randomness for backoff jitter, in [0, 1). Default `Math.random` (jitter needs no CSPRNG). */
  random?: () => number
  /**
   * Allow RAG (`@fabstir/transport-ws/rag`). The node has no encrypted RAG: vectors, metadata (often document text)
   * and search queries travel in **plaintext**, readable on the path and by the host, even on an encrypted session.
   * Default `false`: RAG calls then fail with `INVALID_CONFIG` (`details.field: 'plaintextRag'`).
   */
  plaintextRag?: boolean
}

/** {@link ClientCoreOptions} after validation, with every default filled in (what a `SessionDriver` runs on). */
export type ResolvedClientOptions = Required<
  Omit<
    ClientCoreOptions,
    | 'nodePublicKey'
    | 'expectedNodeAddress'
    | 'signer'
    | 'plaintext'
    | 'timeouts'
    | 'reconnect'
    | 'retryOnRateLimit'
  >
> &
  Pick<ClientCoreOptions, 'nodePublicKey' | 'expectedNodeAddress' | 'signer' | 'plaintext'> & {
    /** Every timeout, defaults filled in. */
    timeouts: Required<Timeouts>
    /** The reconnect policy with its defaults, or `false`. */
    reconnect: Required<ReconnectPolicy> | false
    /** The rate-limit retry policy with its defaults, or `false`. */
    retryOnRateLimit: Required<RateLimitRetryPolicy> | false
  }

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new FabstirError('INVALID_CONFIG', `${field} must be a non-negative number of milliseconds`, {
      details: { field },
    })
  }
  return value
}

/** Validate and complete client options; throws `INVALID_CONFIG` with the offending field. */
export function resolveClientOptions(o: ClientCoreOptions): ResolvedClientOptions {
  const encryption = o.encryption ?? true
  if (encryption && (o.nodePublicKey === undefined || o.signer === undefined)) {
    throw new FabstirError(
      'INVALID_CONFIG',
      'encryption needs nodePublicKey and signer (or set encryption: false)',
      {
        details: { field: o.nodePublicKey === undefined ? 'nodePublicKey' : 'signer' },
      },
    )
  }
  if ((!encryption || o.allowPlaintextFallback) && typeof o.plaintext !== 'function') {
    throw new FabstirError(
      'INVALID_CONFIG',
      `${encryption ? 'allowPlaintextFallback' : 'encryption: false'} needs the plaintext protocol: pass plaintext: plaintextProtocol (from '@fabstir/transport-ws/plaintext')`,
      { details: { field: 'plaintext' } },
    )
  }
  if (encryption && o.expectedNodeAddress !== undefined)
    verifyNodePublicKey(o.nodePublicKey!, o.expectedNodeAddress)
  const t = o.timeouts ?? {}
  const r = o.reconnect
  const rl = o.retryOnRateLimit
  return {
    nodePublicKey: o.nodePublicKey,
    expectedNodeAddress: o.expectedNodeAddress,
    signer: o.signer,
    encryption,
    allowPlaintextFallback: o.allowPlaintextFallback ?? false,
    plaintext: o.plaintext,
    timeouts: {
      connectMs: positive(t.connectMs, 10_000, 'timeouts.connectMs'),
      ackMs: positive(t.ackMs, 15_000, 'timeouts.ackMs'),
      firstChunkMs: positive(t.firstChunkMs, 60_000, 'timeouts.firstChunkMs'),
      idleMs: positive(t.idleMs, 30_000, 'timeouts.idleMs'),
    },
    reconnect:
      r === false
        ? false
        : {
            attempts: positive(r?.attempts, 5, 'reconnect.attempts'),
            baseDelayMs: positive(r?.baseDelayMs, 250, 'reconnect.baseDelayMs'),
            maxDelayMs: positive(r?.maxDelayMs, 10_000, 'reconnect.maxDelayMs'),
          },
    retryOnRateLimit:
      rl === undefined || rl === false
        ? false
        : {
            attempts: positive(rl.attempts, 1, 'retryOnRateLimit.attempts'),
            maxWaitMs: positive(rl.maxWaitMs, 60_000, 'retryOnRateLimit.maxWaitMs'),
          },
    logger: o.logger ?? {},
    handshakeGate: o.handshakeGate ?? handshakeGate(),
    random: o.random ?? Math.random,
    rekeyAfterFrames: Math.max(
      1,
      positive(o.rekeyAfterFrames, DEFAULT_REKEY_AFTER_FRAMES, 'rekeyAfterFrames'),
    ),
    plaintextRag: o.plaintextRag === true,
  }
}

import {
  assertPrivateKey,
  bytesToHex,
  getPublicKey,
  hexToBytes,
  publicKeyToAddress,
  randomBytes,
} from '@fabstir/crypto'
import { NodeSimError } from '../errors.js'
import { defaultResponder } from '../responder.js'
import { Connection, type CoreContext } from './connection.js'
import { normalizeFaults } from './faults.js'
import { SessionKeyStore } from './key-store.js'
import { SessionRecords } from './rag.js'
import { RateLimiter } from './rate-limiter.js'
import { SessionWindow } from './session-window.js'
import { resolveSidecars } from './sidecar-options.js'
import type { BillingEntry, Faults, NodeConnection, NodeCore, NodeCoreOptions, SettledJob } from './types.js'

/** Defaults of the node (PROTOCOL.md §1, §5). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60
/** Default context window in tokens. */
export const DEFAULT_CONTEXT_WINDOW_SIZE = 8192

function resolvePrivateKey(key: string | Uint8Array | undefined): Uint8Array {
  if (key === undefined) {
    for (;;) {
      const candidate = randomBytes(32)
      try {
        return assertPrivateKey(candidate)
      } catch {
        // Astronomically unlikely (zero or ≥ n); draw again.
      }
    }
  }
  let bytes: Uint8Array
  try {
    bytes = typeof key === 'string' ? hexToBytes(key) : key.slice()
    return assertPrivateKey(bytes)
  } catch (cause) {
    throw new NodeSimError(
      'INVALID_OPTION',
      'privateKey must be a valid 32-byte secp256k1 secret (hex or bytes)',
      {
        option: 'privateKey',
      },
      { cause },
    )
  }
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new NodeSimError('INVALID_OPTION', `${option} must be a positive integer`, { option, value })
  }
  return value
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Create the sans-IO node core: a shared in-memory session key store (no TTL, survives disconnects, cleared by
 * {@link NodeCore.restart}), a rate limiter shared by all connections, and per-connection state machines that speak
 * the protocol of PROTOCOL.md exactly like the real node.
 */
export function createNodeCore(options: NodeCoreOptions = {}): NodeCore {
  const privateKey = resolvePrivateKey(options.privateKey)
  const encryption = options.encryption !== false
  const publicKey = `0x${bytesToHex(getPublicKey(privateKey, true))}` as const
  const address = publicKeyToAddress(publicKey.slice(2))
  const chunkDelayMs = options.chunkDelayMs ?? 0
  if (!(typeof chunkDelayMs === 'number' && Number.isFinite(chunkDelayMs) && chunkDelayMs >= 0)) {
    throw new NodeSimError('INVALID_OPTION', 'chunkDelayMs must be a non-negative number', {
      option: 'chunkDelayMs',
    })
  }
  const rateLimit = positiveInteger(
    options.rateLimitPerMinute,
    DEFAULT_RATE_LIMIT_PER_MINUTE,
    'rateLimitPerMinute',
  )
  const contextWindowSize = positiveInteger(
    options.contextWindowSize,
    DEFAULT_CONTEXT_WINDOW_SIZE,
    'contextWindowSize',
  )
  let faults = normalizeFaults(options.faults)
  const keyStore = new SessionKeyStore()
  const now = options.now ?? Date.now
  const rateLimiter = new RateLimiter(rateLimit, now)
  const sidecars = resolveSidecars(options)
  const imageLimiter = new SessionWindow(sidecars.imageRateLimit, 60_000, now)
  const transcodeLimiter = new SessionWindow(sidecars.transcodeRateLimit, 300_000, now)
  const ltxLimiter = new SessionWindow(sidecars.ltxRateLimit, 300_000, now)
  const records = new SessionRecords()
  const ltx = {
    activeGenerations: 0,
    renders: new Set<{ interrupt(): void }>(),
    settling: new Map<string, number>(),
  }
  const settledJobs: SettledJob[] = []
  const billing: BillingEntry[] = []
  let nextConnectionId = 1

  const ctx: CoreContext = {
    keyStore,
    rateLimiter,
    nodePrivateKey: encryption ? privateKey : null,
    responder: options.responder ?? defaultResponder,
    chunkDelayMs,
    contextWindowSize,
    logger: options.logger,
    onFrame: options.onFrame,
    sleep: options.sleep ?? defaultSleep,
    faults: () => faults,
    settle: (job) => {
      settledJobs.push(job)
    },
    now,
    sidecars,
    imageLimiter,
    transcodeLimiter,
    ltxLimiter,
    transcoder: { active: 0, nextTask: 1 },
    ltx,
    records,
    bill: (entry) => {
      billing.push(entry)
    },
  }

  return {
    publicKey,
    address,
    encryption,
    openConnection(send: (text: string) => void, closeTransport?: () => void): NodeConnection {
      return new Connection(nextConnectionId++, ctx, send, closeTransport)
    },
    restart(): void {
      keyStore.clear()
      rateLimiter.reset()
      imageLimiter.reset()
      transcodeLimiter.reset()
      ltxLimiter.reset()
      records.clear()
      ltx.settling.clear()
      options.logger?.info('node restarted: session keys, session records and rate-limit windows dropped')
    },
    setFaults(next: Faults): void {
      faults = normalizeFaults(next)
    },
    get faults(): Readonly<Faults> {
      return faults
    },
    get sessionCount(): number {
      return keyStore.size
    },
    get settledJobs(): readonly SettledJob[] {
      return settledJobs
    },
    get billing(): readonly BillingEntry[] {
      return billing
    },
  }
}

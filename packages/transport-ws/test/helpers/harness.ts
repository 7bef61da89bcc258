import { type NodeSimHandle, type NodeSimOptions, startNodeSim } from '@fabstir/node-sim'
import { fromViemAccount } from '@fabstir/signer-viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterEach } from 'vitest'
import type {
  ClientOptions,
  ClientSession,
  ClientStatus,
  DigestSigner,
  FabstirClient,
  StartSessionOptions,
} from '../../src/index.js'
import { startProxy, type TcpProxy } from './proxy.js'
import { type Shell, WS_SHELL } from './shells.js'
import { FrameTap } from './tap.js'

/** A running simulator plus the wire tap of every frame it saw or sent. */
export interface Sim {
  readonly handle: NodeSimHandle<boolean>
  readonly tap: FrameTap
  readonly url: string
}

/** Short deadlines so that a hung test fails fast instead of waiting for vitest's own timeout. */
export const TEST_TIMEOUTS = { connectMs: 2_000, ackMs: 2_000, firstChunkMs: 3_000, idleMs: 3_000 } as const
/** Fast reconnects: a few attempts a few milliseconds apart. */
export const TEST_RECONNECT = { attempts: 4, baseDelayMs: 5, maxDelayMs: 40 } as const

/** The session options every test uses unless it overrides them (a price inside the native token range). */
export const SESSION: StartSessionOptions = {
  jobId: '12345',
  modelName: 'tiny-vicuna',
  pricePerToken: 2_272_727_273,
}

/** A fresh wallet as a raw-digest signer (viem local account). */
export function newSigner(): DigestSigner {
  return fromViemAccount(privateKeyToAccount(generatePrivateKey()))
}

/**
 * Per-test resources that are always released in `afterEach`: every simulator, proxy and client created through the
 * harness is closed, even when the test failed half-way. Clients are made by the harness's {@link Shell}.
 */
export class Harness {
  constructor(readonly shell: Shell = WS_SHELL) {}

  private readonly sims: Sim[] = []
  private readonly clients: FabstirClient[] = []
  private readonly proxies: TcpProxy[] = []

  /** Start a simulator on 127.0.0.1 with a free port; `onFrame` is tapped (and still forwarded). */
  async startSim(options: NodeSimOptions = {}): Promise<Sim> {
    const tap = new FrameTap()
    const handle = await startNodeSim({
      ...options,
      host: '127.0.0.1',
      port: 0,
      onFrame: (direction, text, connectionId) => {
        tap.record(direction, text, connectionId)
        options.onFrame?.(direction, text, connectionId)
      },
    })
    const sim: Sim = { handle, tap, url: handle.url }
    this.sims.push(sim)
    return sim
  }

  /** A TCP proxy in front of `sim` whose connections the test can cut (a real socket drop). */
  async startProxy(sim: Sim): Promise<TcpProxy> {
    const proxy = await startProxy(sim.handle.port)
    this.proxies.push(proxy)
    return proxy
  }

  /** An encrypted client for `sim` (fresh wallet, short timeouts, fast reconnects) unless overridden. */
  client(
    sim: Sim | { url: string; handle?: NodeSimHandle<boolean> },
    overrides: Partial<ClientOptions> = {},
  ): FabstirClient {
    const options: ClientOptions = {
      url: sim.url,
      // A keyless node has no key to give (publicKey null): any valid key makes the client attempt an encrypted init.
      nodePublicKey: sim.handle ? (sim.handle.publicKey ?? sim.handle.core.publicKey) : undefined,
      signer: newSigner(),
      timeouts: TEST_TIMEOUTS,
      reconnect: TEST_RECONNECT,
      ...overrides,
    }
    const client = this.shell.createClient(options)
    this.clients.push(client)
    return client
  }

  /** Client + session in one step. */
  async session(
    sim: Sim,
    overrides: Partial<ClientOptions> = {},
    start: Partial<StartSessionOptions> = {},
  ): Promise<{ client: FabstirClient; session: ClientSession }> {
    const client = this.client(sim, overrides)
    const session = await client.startSession({ ...SESSION, ...start })
    return { client, session }
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.clients.splice(0).map((c) => c.close()))
    await Promise.allSettled(this.proxies.splice(0).map((p) => p.close()))
    await Promise.allSettled(this.sims.splice(0).map((s) => s.handle.close()))
  }
}

/** A harness whose resources are closed after every test of the calling file; its clients use `shell`. */
export function useHarness(shell: Shell = WS_SHELL): Harness {
  const harness = new Harness(shell)
  afterEach(() => harness.cleanup())
  return harness
}

/** Records every status a client or session reports, and waits for a given one. */
export class StatusLog {
  readonly seen: ClientStatus[] = []
  private readonly waiters: { status: ClientStatus; from: number; resolve: () => void }[] = []

  constructor(target: { on(event: 'status', listener: (status: ClientStatus) => void): () => void }) {
    target.on('status', (status) => {
      this.seen.push(status)
      for (const w of [...this.waiters]) {
        if (status === w.status && this.seen.length > w.from) {
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve()
        }
      }
    })
  }

  /** Resolves at the first `status` reported at or after position `from` of {@link seen}. */
  waitFor(status: ClientStatus, from = 0, timeoutMs = 3_000): Promise<void> {
    if (this.seen.slice(from).includes(status)) return Promise.resolve()
    return withTimeout(
      new Promise<void>((resolve) => this.waiters.push({ status, from, resolve })),
      timeoutMs,
      `status "${status}" (seen so far: ${this.seen.join(' → ') || 'none'})`,
    )
  }
}

/** Reject with a descriptive error if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Resolves once `condition()` holds, checking every few milliseconds; rejects after `timeoutMs`. */
export function eventually(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  return withTimeout(
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
    })(),
    timeoutMs,
    what,
  )
}

/** What reading a stream to its end (or its error) produced. */
export interface Collected {
  deltas: string[]
  text: string
  error: unknown
}

/** Iterate a stream to the end, keeping the deltas delivered before any error. */
export async function collect(stream: AsyncIterable<{ text: string }>): Promise<Collected> {
  const deltas: string[] = []
  let error: unknown
  try {
    for await (const d of stream) deltas.push(d.text)
  } catch (e) {
    error = e
  }
  return { deltas, text: deltas.join(''), error }
}

/** The rejection reason of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (e) {
    return e
  }
  throw new Error('expected the promise to reject, but it resolved')
}

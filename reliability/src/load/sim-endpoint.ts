import { Worker } from 'node:worker_threads'
import { type NodeSimOptions, startNodeSim } from '@fabstir/node-sim'
import { ReliabilityError } from '../common/errors.js'

/** Counters of a running simulator. */
export interface SimStats {
  /** WebSocket connections open now. */
  openConnections: number
  /** Connections accepted so far. */
  connectionsOpened: number
  /** Jobs settled (connections with a job that closed). */
  settledJobs: number
  /** Session keys the node holds. */
  sessionKeys: number
  /** Frames seen in both directions (when nonces are tracked). */
  frames: number
  /** `nonceHex` values seen in both directions (when tracked), and how many of them repeated an earlier one. */
  noncesSeen: number
  nonceRepeats: number
}

/** A simulator the load and resource runs talk to, in this thread or on a worker thread. */
export interface SimEndpoint {
  readonly url: string
  readonly publicKey: string
  stats(): Promise<SimStats>
  close(): Promise<void>
}

/** Options: simulator options plus whether to record every nonce on the wire. */
export interface SimEndpointOptions {
  options: NodeSimOptions
  trackNonces?: boolean
}

/** Start the simulator on this thread (it then shares the event loop with the clients). */
export async function startInlineSim({ options, trackNonces }: SimEndpointOptions): Promise<SimEndpoint> {
  let open = 0
  let opened = 0
  let frames = 0
  let nonceRepeats = 0
  const nonces = new Set<string>()
  const NONCE = /"nonceHex":"([0-9a-f]+)"/
  const sim = await startNodeSim({
    ...options,
    host: '127.0.0.1',
    port: 0,
    logger: {
      debug: () => {},
      info: (message) => {
        if (message === 'connection opened') {
          open++
          opened++
        } else if (message === 'connection closed') open--
      },
      warn: () => {},
      error: () => {},
    },
    onFrame: trackNonces
      ? (_d, text) => {
          frames++
          const m = NONCE.exec(text)
          if (!m) return
          if (nonces.has(m[1]!)) nonceRepeats++
          else nonces.add(m[1]!)
        }
      : undefined,
  })
  if (sim.publicKey === null) {
    await sim.close()
    throw new Error(
      'the load test needs a simulator that serves encrypted sessions (encryption: false given)',
    )
  }
  return {
    url: sim.url,
    publicKey: sim.publicKey,
    stats: async () => ({
      openConnections: open,
      connectionsOpened: opened,
      settledJobs: sim.settledJobs.length,
      sessionKeys: sim.core.sessionCount,
      frames,
      noncesSeen: nonces.size + nonceRepeats,
      nonceRepeats,
    }),
    close: () => sim.close(),
  }
}

/** Start the simulator on a worker thread: the node gets its own core, as a real node would. */
export function startWorkerSim({ options, trackNonces }: SimEndpointOptions): Promise<SimEndpoint> {
  const { logger: _logger, onFrame: _onFrame, responder, sleep, now, ...plain } = options
  if (responder || sleep || now) {
    return Promise.reject(
      new ReliabilityError('INVALID_ARGUMENT', 'a worker simulator takes only plain (cloneable) options'),
    )
  }
  const worker = new Worker(new URL('./sim-worker.mjs', import.meta.url), {
    workerData: { options: plain, trackNonces: trackNonces === true },
  })
  const request = <T>(type: string, reply: string, pick: (m: Record<string, unknown>) => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>): void => {
        if (m.type !== reply) return
        worker.off('message', onMessage)
        worker.off('error', reject)
        resolve(pick(m))
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
      if (type) worker.postMessage({ type })
    })
  return request('', 'ready', (m) => m as { url: string; publicKey: string }).then(({ url, publicKey }) => {
    let closing: Promise<void> | undefined
    return {
      url,
      publicKey,
      stats: () => request('stats', 'stats', (m) => m.stats as SimStats),
      close() {
        closing ??= request('close', 'closed', () => undefined).then(async () => {
          await worker.terminate()
        })
        return closing
      },
    }
  })
}

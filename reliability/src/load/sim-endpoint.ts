import { type ChildProcess, fork } from 'node:child_process'
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

/** The messaging surface shared by a worker thread and a forked child process. */
interface Channel {
  on(event: 'message', f: (m: Record<string, unknown>) => void): void
  off(event: 'message', f: (m: Record<string, unknown>) => void): void
  off(event: 'error', f: (e: Error) => void): void
  once(event: 'error', f: (e: Error) => void): void
}

function plainOptions({ options }: SimEndpointOptions): Promise<Omit<NodeSimOptions, 'logger' | 'onFrame'>> {
  const { logger: _logger, onFrame: _onFrame, responder, sleep, now, ...plain } = options
  if (responder || sleep || now) {
    return Promise.reject(
      new ReliabilityError('INVALID_ARGUMENT', 'a worker simulator takes only plain (cloneable) options'),
    )
  }
  return Promise.resolve(plain)
}

function endpointOver(
  channel: Channel,
  post: (m: object) => void,
  terminate: () => Promise<void>,
): Promise<SimEndpoint> {
  const request = <T>(type: string, reply: string, pick: (m: Record<string, unknown>) => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>): void => {
        if (m.type !== reply) return
        channel.off('message', onMessage)
        channel.off('error', reject)
        resolve(pick(m))
      }
      channel.on('message', onMessage)
      channel.once('error', reject)
      if (type) post({ type })
    })
  return request('', 'ready', (m) => m as { url: string; publicKey: string }).then(({ url, publicKey }) => {
    let closing: Promise<void> | undefined
    return {
      url,
      publicKey,
      stats: () => request('stats', 'stats', (m) => m.stats as SimStats),
      close() {
        closing ??= request('close', 'closed', () => undefined).then(terminate)
        return closing
      },
    }
  })
}

const SIM_SCRIPT = new URL('./sim-worker.mjs', import.meta.url)

/** Start the simulator on a worker thread: the node gets its own core, as a real node would. */
export async function startWorkerSim(o: SimEndpointOptions): Promise<SimEndpoint> {
  const plain = await plainOptions(o)
  const worker = new Worker(SIM_SCRIPT, {
    workerData: { options: plain, trackNonces: o.trackNonces === true },
  })
  return endpointOver(
    worker,
    (m) => worker.postMessage(m),
    async () => {
      await worker.terminate()
    },
  )
}

/** Start the simulator in a child process (its own heap, event loop and garbage collector, like a real node). */
export async function startProcessSim(o: SimEndpointOptions): Promise<SimEndpoint> {
  const plain = await plainOptions(o)
  const child: ChildProcess = fork(
    SIM_SCRIPT,
    [JSON.stringify({ options: plain, trackNonces: o.trackNonces === true })],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return endpointOver(
    child as unknown as Channel,
    (m) => child.send(m),
    async () => {
      if (child.exitCode === null) child.kill()
      await exited
    },
  )
}

// Runs the node simulator on its own thread (a worker: a second core for the "node") or in its own process (a forked
// child: as a real node would be), and answers stats requests over the parent channel.
// Plain JavaScript: it only needs the built @fabstir/node-sim.
import { parentPort, workerData } from 'node:worker_threads'
import { startNodeSim } from '@fabstir/node-sim'

/** The parent channel: the worker port, or the IPC channel of a forked process. */
const channel = parentPort
  ? { send: (m) => parentPort.postMessage(m), on: (f) => parentPort.on('message', f) }
  : { send: (m) => process.send(m), on: (f) => process.on('message', f) }
const data = parentPort ? workerData : JSON.parse(process.argv[2] ?? '{}')

const NONCE = /"nonceHex":"([0-9a-f]+)"/
let open = 0
let opened = 0
const nonces = new Set()
let nonceRepeats = 0
let frames = 0
const trackNonces = data.trackNonces === true

const sim = await startNodeSim({
  ...data.options,
  host: '127.0.0.1',
  port: 0,
  logger: {
    debug() {},
    info(message) {
      if (message === 'connection opened') {
        open++
        opened++
      } else if (message === 'connection closed') open--
    },
    warn() {},
    error() {},
  },
  onFrame: trackNonces
    ? (_direction, text) => {
        frames++
        const m = NONCE.exec(text)
        if (!m) return
        if (nonces.has(m[1])) nonceRepeats++
        else nonces.add(m[1])
      }
    : undefined,
})

channel.send({ type: 'ready', url: sim.url, publicKey: sim.publicKey })
channel.on(async (m) => {
  if (m.type === 'stats') {
    channel.send({
      type: 'stats',
      stats: {
        openConnections: open,
        connectionsOpened: opened,
        settledJobs: sim.settledJobs.length,
        sessionKeys: sim.core.sessionCount,
        frames,
        noncesSeen: nonces.size + nonceRepeats,
        nonceRepeats,
      },
    })
  } else if (m.type === 'close') {
    await sim.close()
    channel.send({ type: 'closed' })
    if (!parentPort) process.disconnect()
  }
})

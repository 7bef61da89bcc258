// Runs the node simulator on its own thread (a second core for the "node") and answers stats requests.
// Plain JavaScript: it only needs the built @fabstir/node-sim.
import { parentPort, workerData } from 'node:worker_threads'
import { startNodeSim } from '@fabstir/node-sim'

const NONCE = /"nonceHex":"([0-9a-f]+)"/
let open = 0
let opened = 0
const nonces = new Set()
let nonceRepeats = 0
let frames = 0
const trackNonces = workerData.trackNonces === true

const sim = await startNodeSim({
  ...workerData.options,
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

parentPort.postMessage({ type: 'ready', url: sim.url, publicKey: sim.publicKey })
parentPort.on('message', async (m) => {
  if (m.type === 'stats') {
    parentPort.postMessage({
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
    parentPort.postMessage({ type: 'closed' })
  }
})

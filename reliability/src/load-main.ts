import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { err, intFlag, out } from './common/cli.js'
import { NODE_IDENTITY } from './common/identities.js'
import { runResourceCycles } from './load/resource-cycles.js'
import { runLoad } from './load/run-load.js'
import { type SimEndpoint, startInlineSim, startWorkerSim } from './load/sim-endpoint.js'

const USAGE = `pnpm load [-- options]

Load the node simulator over loopback with concurrent encrypted sessions, or run open/close cycles and check that
nothing leaks. Prints a JSON summary.

  --scenario load|resources   what to run (default load)
  --sessions N                concurrent sessions (default 1000)                      [load]
  --prompts N                 prompts per session, one after another (default 20)     [load]
  --open-batch N              sessions opened at once (default 50)                    [load]
  --cycles N                  createClient + startSession + close cycles (default 10000) [resources]
  --concurrency N             cycles at once (default 8)                              [resources]
  --sim worker|inline         simulator on its own thread (default) or on this one
  --json FILE                 also write the summary to FILE
  --help
`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      sessions: { type: 'string' },
      prompts: { type: 'string' },
      'open-batch': { type: 'string' },
      cycles: { type: 'string' },
      concurrency: { type: 'string' },
      sim: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    out(USAGE)
    return 0
  }
  const scenario = values.scenario ?? 'load'
  if (scenario !== 'load' && scenario !== 'resources') {
    err(`--scenario must be load or resources\n\n${USAGE}`)
    return 2
  }
  const sessions = intFlag('sessions', values.sessions, 1000)
  const prompts = intFlag('prompts', values.prompts, 20)
  const openBatch = Math.max(1, intFlag('open-batch', values['open-batch'], 50))
  const cycles = intFlag('cycles', values.cycles, 10_000)
  const concurrency = Math.max(1, intFlag('concurrency', values.concurrency, 8))
  const start = values.sim === 'inline' ? startInlineSim : startWorkerSim
  // The node's rate limit (60/min, shared by all clients) would refuse almost everything: raise it above the load.
  const rateLimitPerMinute = Math.max(60, sessions * prompts + cycles + 10)
  const sim: SimEndpoint = await start({
    options: { privateKey: NODE_IDENTITY.privateKeyHex, rateLimitPerMinute },
    trackNonces: scenario === 'load',
  })
  try {
    let summary: object
    let ok: boolean
    if (scenario === 'load') {
      const r = await runLoad({ sessions, prompts, openBatch, sim })
      ok =
        r.correct === r.prompts &&
        r.chunks.lost + r.chunks.duplicated + r.chunks.misrouted === 0 &&
        r.nonces.repeated === 0 &&
        r.openConnectionsAfter === 0
      summary = { scenario, simThread: values.sim ?? 'worker', ...r, outcome: ok ? 'PASS' : 'FAIL' }
    } else {
      const r = await runResourceCycles(sim, cycles, concurrency)
      ok =
        Object.keys(r.failures).length === 0 &&
        Object.keys(r.grown).length === 0 &&
        r.sim.openConnections === 0
      summary = { scenario, simThread: values.sim ?? 'worker', ...r, outcome: ok ? 'PASS' : 'FAIL' }
    }
    const text = JSON.stringify(summary, null, 2)
    out(text)
    if (values.json) writeFileSync(values.json, `${text}\n`)
    return ok ? 0 : 1
  } finally {
    await sim.close()
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    err(e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exitCode = 2
  },
)

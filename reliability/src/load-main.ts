import { writeFileSync } from 'node:fs'
import { err, intFlag, out, parseFlags, reportFailure } from './common/cli.js'
import { NODE_IDENTITY } from './common/identities.js'
import { runResourceCycles } from './load/resource-cycles.js'
import { GENEROUS_TIMEOUTS, runLoad } from './load/run-load.js'
import { type SimEndpoint, startInlineSim, startProcessSim, startWorkerSim } from './load/sim-endpoint.js'

const USAGE = `pnpm load [-- options]

Load the node simulator over loopback with concurrent encrypted sessions, or run open/close cycles and check that
nothing leaks. Prints a JSON summary.

  --scenario load|resources   what to run (default load)
  --sessions N                concurrent sessions (default 1000)                      [load]
  --prompts N                 prompts per session, one after another (default 20)     [load]
  --open-batch N              sessions opened at once (default 50; all of them with --inline) [load]
  --inline                    client and simulator in ONE process and thread, every session opened at
                              once, the SDK's default deadlines; the run must still pass   [load]
  --cycles N                  createClient + startSession + close cycles (default 10000) [resources]
  --concurrency N             cycles at once (default 8)                              [resources]
  --sim worker|inline|process simulator on its own thread (default), on this one, or in a child process
  --deadlines default|generous the SDK's default deadlines (10 s connect, 15 s ack, …) or generous ones
                              (default: generous; default with --inline)                   [load]
  --json FILE                 also write the summary to FILE
  --help
`

async function main(): Promise<number> {
  const values = parseFlags({
    scenario: { type: 'string' },
    sessions: { type: 'string' },
    prompts: { type: 'string' },
    'open-batch': { type: 'string' },
    cycles: { type: 'string' },
    concurrency: { type: 'string' },
    sim: { type: 'string' },
    inline: { type: 'boolean' },
    deadlines: { type: 'string' },
    json: { type: 'string' },
    help: { type: 'boolean' },
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
  const inline = values.inline === true
  if (inline && values.sim !== undefined && values.sim !== 'inline') {
    err(`--inline runs the simulator in this process: drop --sim ${values.sim}\n\n${USAGE}`)
    return 2
  }
  const simThread = inline ? 'inline' : (values.sim ?? 'worker')
  if (simThread !== 'worker' && simThread !== 'inline' && simThread !== 'process') {
    err(`--sim must be worker, inline or process\n\n${USAGE}`)
    return 2
  }
  const deadlines = values.deadlines ?? (inline ? 'default' : 'generous')
  if (deadlines !== 'default' && deadlines !== 'generous') {
    err(`--deadlines must be default or generous\n\n${USAGE}`)
    return 2
  }
  const openBatch = Math.max(1, intFlag('open-batch', values['open-batch'], inline ? sessions : 50))
  const cycles = intFlag('cycles', values.cycles, 10_000)
  const concurrency = Math.max(1, intFlag('concurrency', values.concurrency, 8))
  const start = { inline: startInlineSim, worker: startWorkerSim, process: startProcessSim }[simThread]
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
      const r = await runLoad({
        sessions,
        prompts,
        openBatch,
        sim,
        ...(deadlines === 'default' ? {} : { timeouts: GENEROUS_TIMEOUTS }),
      })
      ok =
        r.correct === r.prompts &&
        Object.keys(r.openFailures).length === 0 &&
        r.chunks.lost + r.chunks.duplicated + r.chunks.misrouted === 0 &&
        r.nonces.repeated === 0 &&
        r.openConnectionsAfter === 0
      summary = {
        scenario,
        simThread,
        deadlines,
        ...r,
        outcome: ok ? 'PASS' : 'FAIL',
      }
    } else {
      const r = await runResourceCycles(sim, cycles, concurrency)
      ok =
        Object.keys(r.failures).length === 0 &&
        Object.keys(r.grown).length === 0 &&
        r.sim.openConnections === 0
      summary = { scenario, simThread, ...r, outcome: ok ? 'PASS' : 'FAIL' }
    }
    const text = JSON.stringify(summary, null, 2)
    out(text)
    if (values.json) writeFileSync(values.json, `${text}\n`)
    return ok ? 0 : 1
  } finally {
    await sim.close()
  }
}

main().then((code) => {
  process.exitCode = code
}, reportFailure)

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { eventually, SESSION, StatusLog, useHarness } from './helpers/harness.js'
import { SHELLS } from './helpers/shells.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/close-and-exit.mjs', import.meta.url))
/** Far below every default timeout (10–60 s) and the fixture's 30 s reconnect backoff, far above a normal run. */
const EXIT_DEADLINE_MS = 8_000

interface ChildResult {
  code: number | null
  killed: boolean
  stdout: string
  stderr: string
}

/** Run the fixture scenario in a fresh Node process; kill it if it has not exited by itself in time. */
function runChild(scenario: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FIXTURE, scenario], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    })
    let stdout = ''
    let stderr = ''
    let killed = false
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const timer = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, EXIT_DEADLINE_MS)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, killed, stdout, stderr })
    })
  })
}

// ws shell only: the fixture is a separate Node process built on `createClient` (the port shell's ports and relay
// would be part of what it measures).
describe('resource safety: nothing keeps the process alive after close', () => {
  it.each([
    ['idle', ['resolved'], 'closed'],
    ['in-flight', ['SESSION_CLOSED', 'SESSION_CLOSED'], 'closed'],
    ['reconnecting', [], 'closed'],
    ['rate-limit-retry', ['resolved', 'SESSION_CLOSED'], 'closed'],
  ])('%s: the process exits on its own with no pending timer', async (scenario, outcomes, status) => {
    const result = await runChild(scenario)
    expect(result.stderr).toBe('')
    expect(result.killed).toBe(false)
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout.trim()) as { outcomes: string[]; status: string; timers: number }
    expect(report.outcomes).toEqual(outcomes)
    expect(report.status).toBe(status)
    expect(report.timers).toBe(0)
  })
})

describe.each(SHELLS)('resource safety: sockets ($name shell)', (shell) => {
  const h = useHarness(shell)

  it('after client.close() no connection stays open and the node settles every job', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const client = h.client(sim, { url: proxy.url })
    const sessions = await Promise.all(
      [1, 2, 3].map((i) => client.startSession({ ...SESSION, jobId: String(i) })),
    )
    await Promise.all(sessions.map((s, i) => s.send(`prompt ${i}`)))
    expect(proxy.openConnections).toBe(3)
    await client.close()
    expect(sessions.map((s) => s.status)).toEqual(['closed', 'closed', 'closed'])
    await eventually(
      () => proxy.openConnections === 0 && sim.handle.settledJobs.length === 3,
      'the node to see every connection close',
    )
    expect(sim.handle.settledJobs.map((j) => j.jobId).sort()).toEqual(['1', '2', '3'])
    expect(new Set(sim.handle.settledJobs.map((j) => j.connectionId))).toEqual(
      new Set(sim.tap.connectionIds()),
    )
    await expect(client.startSession(SESSION)).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
  })

  it('a failed session closes its connection too', async () => {
    const sim = await h.startSim()
    const proxy = await h.startProxy(sim)
    const { session } = await h.session(sim, { url: proxy.url })
    sim.handle.setFaults({ tamperChunk: 0 })
    await expect(session.send('What is 2+2?')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' })
    await eventually(() => proxy.openConnections === 0, 'the connection to close')
    expect(sim.handle.settledJobs).toHaveLength(1)
  })

  it('client.close() while a session is still connecting rejects it with SESSION_CLOSED and opens nothing', async () => {
    const sim = await h.startSim({ faults: { silent: true } })
    const proxy = await h.startProxy(sim)
    const client = h.client(sim, { url: proxy.url })
    const statuses = new StatusLog(client)
    const pending = client.startSession(SESSION)
    await sim.tap.waitForType('encrypted_session_init', 'in')
    await client.close()
    await expect(pending).rejects.toMatchObject({ code: 'SESSION_CLOSED' })
    expect(statuses.seen.at(-1)).toBe('closed')
    await eventually(() => proxy.openConnections === 0, 'the connection to close')
  })
})

#!/usr/bin/env node
import { CliUsageError, parseCliArgs, USAGE } from './cli-args.js'
import type { Logger } from './core/types.js'
import { isNodeSimError } from './errors.js'
import { startNodeSim } from './server.js'
import { upstreamResponder } from './upstream/openai-responder.js'

function format(level: string, message: string, context?: Record<string, unknown>): string {
  const fields = Object.entries(context ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
  return `[node-sim] ${level} ${message}${fields.length ? ` ${fields.join(' ')}` : ''}`
}

/** One line per event on stderr; debug events are skipped. Callers never pass keys or plaintext. */
const stderrLogger: Logger = {
  debug: () => {},
  info: (m, c) => console.error(format('info', m, c)),
  warn: (m, c) => console.error(format('warn', m, c)),
  error: (m, c) => console.error(format('error', m, c)),
}

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>
  try {
    command = parseCliArgs(process.argv.slice(2))
  } catch (e) {
    if (e instanceof CliUsageError) {
      console.error(`fabstir-node-sim: ${e.message}`)
      process.exit(2)
    }
    throw e
  }
  if (command.help) {
    console.log(USAGE)
    return
  }
  let sim: Awaited<ReturnType<typeof startNodeSim>>
  try {
    const { upstream } = command
    const apiKey = process.env.FABSTIR_UPSTREAM_API_KEY || undefined
    const responder = upstream && upstreamResponder({ ...upstream, ...(apiKey ? { apiKey } : {}) })
    sim = await startNodeSim({
      ...command.options,
      ...(responder ? { responder } : {}),
      logger: stderrLogger,
    })
    if (upstream) stderrLogger.info('answering with an upstream model', { ...upstream })
  } catch (e) {
    const message = isNodeSimError(e) ? e.message : e instanceof Error ? e.message : String(e)
    console.error(`fabstir-node-sim: ${message}`)
    process.exit(isNodeSimError(e, 'INVALID_OPTION') ? 2 : 1)
  }
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    stderrLogger.info('shutting down', { signal })
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  // Handlers first: a supervisor may signal as soon as it has read the line below.
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  console.log(JSON.stringify({ url: sim.url, publicKey: sim.publicKey, address: sim.address }))
}

main().catch((e: unknown) => {
  console.error(`fabstir-node-sim: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})

#!/usr/bin/env node
import { parseCliArgs, type ServeCommand, USAGE, UsageError } from './cli-args.js'
import { startClientServer } from './client/server.js'
import { runNodeSuite, TargetError } from './node/run.js'
import { summarize } from './report/types.js'
import { formatResultLine, formatSummary, writeReport } from './report/write.js'

async function main(): Promise<number> {
  let cmd: ReturnType<typeof parseCliArgs>
  try {
    cmd = parseCliArgs(process.argv.slice(2))
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`fabstir-conformance: ${e.message}\n\n${USAGE}\n`)
      return 2
    }
    throw e
  }
  if (cmd.command === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  if (cmd.command === 'serve') return serve(cmd)
  const prefixes = cmd.casePrefixes
  let report: Awaited<ReturnType<typeof runNodeSuite>>
  try {
    report = await runNodeSuite(cmd.target, {
      ...(prefixes ? { filter: (c) => prefixes.some((p) => c.id.startsWith(p)) } : {}),
      onResult: (r) => process.stdout.write(`${formatResultLine(r)}\n`),
    })
  } catch (e) {
    if (e instanceof TargetError) {
      process.stderr.write(`fabstir-conformance: ${e.message}\n`)
      return 2
    }
    throw e
  }
  process.stdout.write(`\n${formatSummary(report)}\n`)
  if (cmd.reportDir) {
    const paths = writeReport(report, cmd.reportDir)
    process.stdout.write(`report: ${paths.html}\n        ${paths.json}\n`)
  }
  return summarize(report).fail > 0 ? 1 : 0
}

async function serve(cmd: ServeCommand): Promise<number> {
  const prefixes = cmd.casePrefixes
  const server = await startClientServer({
    port: cmd.port,
    host: cmd.host,
    timeoutMs: cmd.timeoutMs,
    ...(prefixes ? { filter: (c) => prefixes.some((p) => c.id.startsWith(p)) } : {}),
    onResult: (r) => process.stdout.write(`${formatResultLine(r)}\n`),
  })
  process.stdout.write(
    `${JSON.stringify({ url: server.url, info: `${server.url}/info`, nodePublicKey: server.nodePublicKey, nodeAddress: server.nodeAddress })}\n` +
      'waiting for a client under test: one connection per case to ws://…/case/<id>, then POST /report/<id> (Ctrl-C ends)\n',
  )
  const interrupted = new Promise<'interrupted'>((resolve) =>
    process.once('SIGINT', () => resolve('interrupted')),
  )
  await Promise.race([server.done, interrupted])
  const report = server.report()
  await server.close()
  process.stdout.write(`\n${formatSummary(report)}\n`)
  if (cmd.reportDir) {
    const paths = writeReport(report, cmd.reportDir)
    process.stdout.write(`report: ${paths.html}\n        ${paths.json}\n`)
  }
  return summarize(report).fail > 0 ? 1 : 0
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(
      `fabstir-conformance: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    )
    process.exitCode = 2
  },
)

#!/usr/bin/env node
import { parseCliArgs, USAGE, UsageError } from './cli-args.js'
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

/**
 * `@fabstir/conformance` — an Autobahn-style conformance suite for Fabstir implementations: deterministic vectors
 * (`@fabstir/conformance/vectors/*.json`), a numbered node battery ({@link runNodeSuite}, `fabstir-conformance node`)
 * and self-contained reports.
 * @packageDocumentation
 */
export {
  type HelpCommand,
  type NodeCommand,
  parseCliArgs,
  type ServeCommand,
  USAGE,
  UsageError,
} from './cli-args.js'
export { CLIENT_CASES, CLIENT_GROUPS, type ClientCase, type Expectation } from './client/cases.js'
export type { ReceivedInit, ReceivedPrompt, ScriptContext } from './client/script.js'
export {
  type ClientReport,
  type ClientServer,
  grade,
  type ServeOptions,
  startClientServer,
} from './client/server.js'
export {
  type Capabilities,
  type CaseContext,
  GROUPS,
  type GroupId,
  type Need,
  type NodeCase,
  type NodeTarget,
} from './node/case.js'
export { NODE_CASES } from './node/cases/index.js'
export {
  CaseFailure,
  type CloseInfo,
  Inconclusive,
  type NodeFrame,
  NotServed,
  type Probe,
  type RecordedFrame,
} from './node/probe.js'
export { type RunNodeOptions, runNodeSuite, TargetError } from './node/run.js'
export type { TestWallet } from './node/session-crypto.js'
export { type CaseResult, type SuiteReport, type Summary, summarize } from './report/types.js'
export { formatResultLine, formatSummary, type ReportPaths, renderHtml, writeReport } from './report/write.js'
export { VECTOR_FILES, vectorPath } from './vectors.js'

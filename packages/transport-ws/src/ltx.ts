/**
 * `@fabstir/transport-ws/ltx` — LTX 2.3 video generation on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type { VideoProgress, VideoRequest, VideoResult } from '@fabstir/protocol'
export type { FlowOptions, JobHandle } from './actions/job.js'
export { generateVideo, type VideoJob } from './actions/ltx.js'

/**
 * `@fabstir/protocol/ltx` — LTX 2.3 video generation on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type { VideoProgress, VideoRequest, VideoResult } from '../actions/index.js'
export type { FlowOptions, JobHandle } from './flows/job.js'
export { generateVideo, type VideoJob } from './flows/ltx.js'

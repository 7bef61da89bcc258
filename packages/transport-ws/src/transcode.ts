/**
 * `@fabstir/transport-ws/transcode` — video/audio transcoding on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type { TranscodeProgress, TranscodeRequest, TranscodeResult } from '@fabstir/protocol'
export type { FlowOptions, JobHandle } from './actions/job.js'
export { type TranscodeJob, transcode } from './actions/transcode.js'

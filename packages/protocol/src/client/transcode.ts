/**
 * `@fabstir/protocol/transcode` — video/audio transcoding on an encrypted session (progress, result, cancel).
 * A separate entry point: chat-only apps do not ship it.
 * @packageDocumentation
 */
export type { TranscodeProgress, TranscodeRequest, TranscodeResult } from '../actions/index.js'
export type { FlowOptions, JobHandle } from './flows/job.js'
export { type TranscodeJob, transcode } from './flows/transcode.js'

import { startLtx, type VideoProgress, type VideoRequest, type VideoResult } from '../../actions/ltx.js'
import type { EncryptedSession } from '../../encrypted-session.js'
import type { ClientSession } from '../client-session.js'
import { type FlowOptions, type JobHandle, ProgressJob } from './job.js'

/** A running LTX video job: iterate for progress, await `result`, `cancel()` to stop. */
export type VideoJob = JobHandle<VideoProgress, VideoResult>

/**
 * Generate a video with LTX 2.3 (PROTOCOL-SURFACE §8) on an encrypted session. Progress: `accepted` (with the node's
 * `allowListVersion`), then `generating` → `encrypting` → `uploading` → `finalising` with a percent. `cancel()`
 * sends `{"type":"ltx_cancel"}` and settles at once (the node confirms nothing; a cancel after `finalising` may still
 * be billed). Deadline 1,800 s (the node's). Errors keep the node's code: `VALIDATION_FAILED`, `CAPACITY`,
 * `SIDECAR_UNAVAILABLE`, `GENERATION_FAILED`, `TIMEOUT`.
 *
 * ```ts
 * import { generateVideo } from '@fabstir/transport-ws/ltx'
 * const job = generateVideo(session, { templateId, templateHash, prompt, seed: '42', frames: 121, fps: 24, resolution: { w: 1280, h: 720 } })
 * for await (const p of job) statusLine.show(p.stage)
 * const { outputCID, frames } = await job.result
 * ```
 */
export function generateVideo(
  session: ClientSession,
  request: VideoRequest,
  options: FlowOptions = {},
): VideoJob {
  return new ProgressJob<VideoProgress, VideoResult>(
    (protocol, now) =>
      startLtx(protocol as EncryptedSession, request, {
        now,
        ...(options.timeoutMs === undefined ? {} : { deadlineMs: options.timeoutMs }),
      }),
    options,
  ).submit(session, options.signal)
}

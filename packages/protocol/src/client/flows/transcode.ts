import {
  startTranscode,
  type TranscodeProgress,
  type TranscodeRequest,
  type TranscodeResult,
} from '../../actions/transcode.js'
import type { EncryptedSession } from '../../encrypted-session.js'
import type { ClientSession } from '../client-session.js'
import { type FlowOptions, type JobHandle, ProgressJob } from './job.js'

/** A running transcode: iterate for progress, await `result`, `cancel()` to stop. */
export type TranscodeJob = JobHandle<TranscodeProgress, TranscodeResult>

/**
 * Transcode a video or audio file (PROTOCOL-SURFACE §7) on an encrypted session. Progress: `accepted` (with the
 * sidecar's task id), then `transcoding` percent updates. After the node's completion or error the SDK sends
 * `{"type":"transcode_cancel"}`, because the node's transcode loop otherwise swallows every later frame (§3.4);
 * `cancel()` sends it too and settles at once (the node confirms nothing). Deadline 1,800 s (the node's). Errors
 * keep the node's code: `VALIDATION_FAILED`, `RATE_LIMIT_EXCEEDED`, `SIDECAR_UNAVAILABLE`, `TRANSCODE_CAPACITY_FULL`,
 * `SUBMIT_FAILED`, `POLL_FAILED`, `TIMEOUT`, `MODERATION_UNAVAILABLE`, `CONTENT_FLAGGED`, `CONTENT_BLOCKED`.
 *
 * ```ts
 * import { transcode } from '@fabstir/transport-ws/transcode'
 * const job = transcode(session, { sourceCid, mediaFormats: [{ id: 1, ext: 'mp4', vf: 'scale=1280x720' }] })
 * for await (const p of job) if (p.stage === 'transcoding') progressBar.update(p.percent)
 * const { outputs, billing } = await job.result
 * ```
 */
export function transcode(
  session: ClientSession,
  request: TranscodeRequest,
  options: FlowOptions = {},
): TranscodeJob {
  return new ProgressJob<TranscodeProgress, TranscodeResult>(
    (protocol, now) =>
      startTranscode(protocol as EncryptedSession, request, {
        now,
        ...(options.timeoutMs === undefined ? {} : { deadlineMs: options.timeoutMs }),
      }),
    options,
  ).submit(session, options.signal)
}

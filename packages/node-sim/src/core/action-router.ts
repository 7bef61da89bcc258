import { zeroize } from '@fabstir/crypto'
import {
  asBool,
  asI64,
  asStr,
  getField,
  JsonObject,
  type JsonValue,
  tryParseJsonLossless,
  U32_MAX,
} from '../json-lossless.js'
import { type ActionFamily, ActionReplier } from './action-reply.js'
import type { ActionEnv } from './actions/action-env.js'
import { extractLastUserQuery, isImageIntent } from './actions/auto-route.js'
import { runImageGeneration } from './actions/image.js'
import { startLtx } from './actions/ltx.js'
import { startTranscode } from './actions/transcode.js'
import { admitChat } from './chat-pipeline.js'
import type { BusyLoop, ConnectionHost } from './core-context.js'
import type { RequestId } from './frames.js'
import { buildEncryptedRequest } from './inference-request.js'
import { analyseImages } from './vision.js'
import type { SearchRequest } from './web-search.js'

/** What the router needs from its connection. */
export interface RouterHost extends ConnectionHost {
  billVlm(tokens: number, sid: string | null): void
}

/**
 * Routes a decrypted `encrypted_message` by its `action` (PROTOCOL-SURFACE §4.2): image generation, transcode, LTX,
 * or chat (with VLM augmentation and auto image routing first). Every method takes ownership of `key` (a copy) and
 * zeroes it when the flow ends.
 */
export class ActionRouter {
  constructor(private readonly host: RouterHost) {}

  route(text: string, frame: JsonValue, key: Uint8Array, sid: string, id: RequestId): void {
    const decrypted = tryParseJsonLossless(text)
    const action = asStr(getField(decrypted, 'action'))
    if (action === 'image_generation') this.runImage(decrypted!, key, sid, id)
    else if (action === 'transcode') this.runTranscode(decrypted!, key, sid, id)
    else if (action === 'ltx_generate') this.runLtx(decrypted!, key, sid, id)
    else this.routeChat(text, decrypted, frame, key, sid, id)
  }

  private env(family: ActionFamily, key: Uint8Array, sid: string, id: RequestId): ActionEnv {
    const { ctx } = this.host
    const job = this.host.job()
    return {
      sessionId: sid,
      jobId: job,
      requestId: id,
      replier: new ActionReplier(
        family,
        key,
        sid,
        ctx.faults(),
        (f) => this.host.send(f),
        ctx.logger,
        () => this.host.closeTransport(),
      ),
      now: ctx.now,
      sleep: ctx.sleep,
      logger: ctx.logger,
      bill: (entry) => {
        if (job !== null) ctx.bill({ ...entry, jobId: job.toString(), sessionId: sid })
      },
    }
  }

  private runImage(payload: JsonValue, key: Uint8Array, sid: string, id: RequestId): void {
    const { host } = this
    const env = this.env('encrypted_image_response', key, sid, id)
    const pending = runImageGeneration(env, payload, host.ctx.sidecars, host.ctx.imageLimiter)
    if (pending === undefined) {
      zeroize(key)
      return
    }
    host.beginInline()
    host.track(pending, () => {
      zeroize(key)
      host.endInline()
    })
  }

  private runTranscode(payload: JsonValue, key: Uint8Array, sid: string, id: RequestId): void {
    const { host } = this
    const { ctx } = host
    const env = this.env('encrypted_transcode_response', key, sid, id)
    const job = startTranscode(env, payload, ctx.sidecars, ctx.transcodeLimiter, ctx.transcoder, (jobId) =>
      jobId === null ? undefined : ctx.sidecars.moderation.verdicts[jobId.toString()],
    )
    if (job === undefined) {
      zeroize(key)
      return
    }
    host.track(job.done, () => zeroize(key))
    // Closed while sending the ack (a fault): the poller stops at its next progress change.
    if (host.isClosed()) {
      job.detach()
      return
    }
    // The loop is left only by transcode_cancel or close, even after the job ended (PROTOCOL-SURFACE §3.4).
    host.enterLoop({
      kind: 'transcode-loop',
      cancelType: 'transcode_cancel',
      detach: job.detach,
      done: job.done,
    })
  }

  private runLtx(payload: JsonValue, key: Uint8Array, sid: string, id: RequestId): void {
    const { host } = this
    const { ctx } = host
    const env = this.env('encrypted_ltx_response', key, sid, id)
    const run = startLtx(env, payload, ctx.sidecars, ctx.ltxLimiter, ctx.ltx)
    if (run === undefined) {
      zeroize(key)
      return
    }
    const loop: BusyLoop = {
      kind: 'ltx-loop',
      cancelType: 'ltx_cancel',
      detach: run.detach,
      cancel: run.cancel,
      done: run.done,
    }
    if (host.isClosed()) run.detach()
    else host.enterLoop(loop)
    host.track(run.done, () => {
      zeroize(key)
      // The LTX loop ends once the job's last frame is delivered.
      host.leaveLoop(loop)
    })
  }

  /** Encrypted chat: VLM augmentation, auto image routing, then the chat pipeline. */
  private routeChat(
    text: string,
    decrypted: JsonValue | undefined,
    frame: JsonValue,
    key: Uint8Array,
    sid: string,
    id: RequestId,
  ): void {
    const { host } = this
    const { sidecars } = host.ctx
    let prompt = asStr(getField(decrypted, 'prompt')) ?? text
    const vision = sidecars.vlm ? analyseImages(getField(decrypted, 'images'), prompt) : undefined
    if (vision !== undefined) {
      prompt = vision.prompt
      host.billVlm(vision.vlmTokens, sid)
    }
    if (sidecars.autoImageRouting) {
      const query = extractLastUserQuery(prompt)
      if (isImageIntent(query)) {
        host.ctx.logger?.info('chat auto-routed to image generation', { connection: host.connectionId })
        const payload = new JsonObject(
          new Map<string, JsonValue>([
            ['action', 'image_generation'],
            ['prompt', query],
          ]),
        )
        this.runImage(payload, key, sid, id)
        return
      }
    }
    // Chat parameters: the decrypted payload first, then the outer frame (PROTOCOL-SURFACE §10.1).
    const maxSearches =
      asI64(getField(decrypted, 'max_searches')) ?? asI64(getField(frame, 'max_searches')) ?? 5n
    if (maxSearches < 0n || maxSearches > U32_MAX) {
      zeroize(key)
      host.ctx.logger?.info('request dropped without reply (max_searches out of range)', {
        connection: host.connectionId,
      })
      return
    }
    const queries = getField(decrypted, 'search_queries') ?? getField(frame, 'search_queries')
    const search: SearchRequest = {
      webSearch: asBool(getField(decrypted, 'web_search')) ?? asBool(getField(frame, 'web_search')),
      maxSearches,
      searchQueries:
        Array.isArray(queries) && queries.every((q) => typeof q === 'string')
          ? (queries as string[])
          : undefined,
    }
    admitChat(host, buildEncryptedRequest(text, frame, vision?.prompt), key, sid, id, {
      vlmTokens: vision?.vlmTokens,
      search,
    })
  }
}

import { describe, expect, it } from 'vitest'
import {
  checkActionRequest,
  checkImageGenerationRequest,
  checkImageResponse,
  checkInferenceFrame,
  checkLtxGenerateRequest,
  checkLtxResponse,
  checkNodeFrame,
  checkPromptRequest,
  checkSearchVectorsFrame,
  checkStreamEndFrame,
  checkTranscodeResponse,
  checkUploadVectorsFrame,
  ERROR_CODES,
  SHAPE_B_ERRORS,
  shapeBErrorCode,
  type WireIssue,
} from '../src/index.js'

const issues = (r: { ok: boolean; issues?: WireIssue[] }) => (r.ok ? [] : r.issues!)
const vector = (n = 384) => Array.from({ length: n }, (_, i) => i / n)

describe('action requests (inner, dispatching on `action`)', () => {
  it('dispatches on action and reports an unknown one at /action', () => {
    expect(checkActionRequest({ action: 'image_generation', prompt: 'a lighthouse' }).ok).toBe(true)
    expect(issues(checkActionRequest({ action: 'ltx_cancel' }))).toEqual([
      {
        path: '/action',
        message: "must be a known action: one of 'image_generation', 'transcode', 'ltx_generate'",
      },
    ])
  })

  it('image: blank prompt, size, steps and a string jobId are rejected as the node does', () => {
    expect(
      issues(
        checkImageGenerationRequest({
          action: 'image_generation',
          prompt: '  \n ',
          size: '640x480',
          steps: 101,
          jobId: '12',
        }),
      ).map((i) => i.path),
    ).toEqual(['/prompt', '/size', '/steps', '/jobId'])
  })

  it('ltx: the seed must be a decimal string, the hash 0x + 32 bytes, output exr-sequence', () => {
    const job = {
      action: 'ltx_generate',
      templateId: 'ltx-t2v-hdr',
      templateHash: '0xD67DFAE8EA7DA02516AF56BD39D7BF4DEDEBB65DA09D0E520E7CC1C7BB5FE078',
      prompt: 'waves',
      seed: '18446744073709551615',
      frames: 121,
      fps: 24,
      resolution: { w: 1280, h: 720 },
      lora: 'none',
      output: 'exr-sequence',
    }
    expect(checkLtxGenerateRequest(job).ok).toBe(true)
    expect(
      issues(checkLtxGenerateRequest({ ...job, seed: 42, templateHash: 'd67d', output: 'mp4' })).map(
        (i) => i.path,
      ),
    ).toEqual(['/templateHash', '/seed', '/output'])
  })
})

describe('action replies (inner, dispatching on `type`)', () => {
  it('image errors carry an object {code, message}, not a string', () => {
    const error = { type: 'image_generation_error', error: { code: 'PROMPT_BLOCKED', message: 'x' } }
    expect(checkImageResponse(error).ok).toBe(true)
    expect(issues(checkImageResponse({ ...error, error: 'PROMPT_BLOCKED' }))).toEqual([
      { path: '/error', message: 'must be an object (got string)' },
    ])
  })

  it('transcode progress is > 0 and complete has qualityMetrics null and nullable proof fields', () => {
    expect(issues(checkTranscodeResponse({ type: 'transcode_progress', taskId: 't', progress: 0 }))).toEqual([
      { path: '/progress', message: 'must be ≥ 1' },
    ])
    const complete = {
      type: 'transcode_complete',
      taskId: 't',
      outputs: [{ cid: 'u1' }],
      billing: { units: 1.5, tokens: 1500 },
      duration: 10,
      qualityMetrics: null,
      proofTreeCID: null,
      proofTreeRootHash: '0xab',
    }
    expect(checkTranscodeResponse(complete).ok).toBe(true)
    expect(
      issues(checkTranscodeResponse({ ...complete, proofTreeRootHash: 'ab' })).map((i) => i.path),
    ).toEqual(['/proofTreeRootHash'])
  })

  it('ltx progress stages are closed and pct is 0 … 100', () => {
    expect(checkLtxResponse({ type: 'ltx_progress', stage: 'encrypting', pct: 100 }).ok).toBe(true)
    expect(
      issues(checkLtxResponse({ type: 'ltx_progress', stage: 'rendering', pct: 101 })).map((i) => i.path),
    ).toEqual(['/stage', '/pct'])
  })
})

describe('RAG frames (plaintext)', () => {
  it('requires 384 finite components, the metadata key and replace', () => {
    const ok = {
      type: 'uploadVectors',
      vectors: [{ id: 'a', vector: vector(), metadata: null }],
      replace: true,
    }
    expect(checkUploadVectorsFrame(ok).ok).toBe(true)
    expect(
      issues(checkUploadVectorsFrame({ type: 'uploadVectors', vectors: [{ id: 'a', vector: vector(3) }] })),
    ).toEqual([
      { path: '/vectors/0/vector', message: 'must have at least 384 items' },
      { path: '/vectors/0/metadata', message: 'is required' },
      { path: '/replace', message: 'is required' },
    ])
  })

  it('limits metadata to 10,240 bytes of compact JSON (UTF-8)', () => {
    const frame = (metadata: unknown) => ({
      type: 'uploadVectors',
      vectors: [{ id: 'a', vector: vector(), metadata }],
      replace: false,
    })
    // {"t":"…"} is 8 bytes of JSON around the text.
    expect(checkUploadVectorsFrame(frame({ t: 'x'.repeat(10_232) })).ok).toBe(true)
    expect(issues(checkUploadVectorsFrame(frame({ t: 'x'.repeat(10_233) })))).toEqual([
      { path: '/vectors/0/metadata', message: 'must be at most 10240 bytes as compact JSON (got 10241)' },
    ])
    expect(checkUploadVectorsFrame(frame({ t: 'é'.repeat(5_117) })).ok).toBe(false)
  })

  it('search: k is a non-negative integer, the query 384 long; responses are node frames', () => {
    expect(checkSearchVectorsFrame({ type: 'searchVectors', queryVector: vector(), k: 0 }).ok).toBe(true)
    expect(
      issues(checkSearchVectorsFrame({ type: 'searchVectors', queryVector: vector(385), k: 1.5 })).map(
        (i) => i.path,
      ),
    ).toEqual(['/queryVector', '/k'])
    expect(
      checkNodeFrame({ type: 'searchVectorsResponse', results: [], totalVectors: 0, searchTimeMs: 0.1 }).ok,
    ).toBe(true)
    expect(
      checkNodeFrame({
        type: 'uploadVectorsResponse',
        status: 'partial',
        uploaded: 1,
        rejected: 1,
        errors: ['b: Invalid vector dimensions: expected 384, got 3'],
      }).ok,
    ).toBe(true)
  })
})

describe('chat extras', () => {
  it('stream_end may carry vlm_tokens', () => {
    expect(
      checkStreamEndFrame({ type: 'stream_end', reason: 'complete', tokens_used: 3, vlm_tokens: 120 }).ok,
    ).toBe(true)
    expect(issues(checkStreamEndFrame({ type: 'stream_end', vlm_tokens: -1 })).map((i) => i.path)).toEqual([
      '/vlm_tokens',
    ])
  })

  it('vision images: png/jpeg/webp/gif, at most 13,333,334 base64 characters', () => {
    const big = 'A'.repeat(13_333_335)
    expect(issues(checkPromptRequest({ prompt: 'x', images: [{ data: big, format: 'png' }] }))).toEqual([
      { path: '/images/0/data', message: 'must have at most 13333334 characters' },
    ])
    expect(checkPromptRequest({ prompt: 'x', images: [{ data: big.slice(1) }] }).ok).toBe(true)
  })

  it('web search fields live in the encrypted payload, max_searches within u32', () => {
    expect(
      checkPromptRequest({ prompt: 'x', web_search: true, max_searches: 3, search_queries: ['a'] }).ok,
    ).toBe(true)
    expect(issues(checkPromptRequest({ prompt: 'x', max_searches: 2 ** 32 })).map((i) => i.path)).toEqual([
      '/max_searches',
    ])
  })

  it('inference: the nested request needs model, prompt and max_tokens > 0', () => {
    expect(
      checkInferenceFrame({ type: 'inference', request: { model: 'm', prompt: 'p', max_tokens: 1 } }).ok,
    ).toBe(true)
    expect(
      issues(checkInferenceFrame({ type: 'inference', request: { prompt: 'p', max_tokens: 0 } })).map(
        (i) => i.path,
      ),
    ).toEqual(['/request/model', '/request/max_tokens'])
  })
})

describe('shape B errors (no code)', () => {
  it('maps every node text of PROTOCOL-SURFACE §2.3 to a stable client code, anything else to NODE_ERROR', () => {
    const cases: [string, string][] = [
      ['Validation error for temperature: must be between 0 and 2', 'VALIDATION_ERROR'],
      ['Rate limit exceeded, retry after 60 seconds', 'RATE_LIMITED'],
      ['Service unavailable: inference engine not initialized', 'SERVICE_UNAVAILABLE'],
      ['Internal error: Streaming inference failed: boom', 'INFERENCE_FAILED'],
      ['Failed to create RAG session: full', 'RAG_SESSION_FAILED'],
      ['Upload vectors failed: poisoned', 'RAG_UPLOAD_FAILED'],
      ['Invalid uploadVectors request: missing field `replace`', 'RAG_INVALID_REQUEST'],
      ['Invalid searchVectors request: invalid type: floating point `1.5`', 'RAG_INVALID_REQUEST'],
      ['Session s 1 found but RAG not enabled. Upload vectors first.', 'RAG_NOT_ENABLED'],
      ['Session s 1 not found. Upload vectors first.', 'RAG_SESSION_NOT_FOUND'],
      ['Search vectors failed: Invalid query dimensions: expected 384, got 3', 'RAG_SEARCH_FAILED'],
      ['something new', 'NODE_ERROR'],
    ]
    for (const [text, code] of cases) expect(shapeBErrorCode(text), text).toBe(code)
    for (const rule of SHAPE_B_ERRORS) expect(ERROR_CODES[rule.code].origin).toBe('client')
  })
})

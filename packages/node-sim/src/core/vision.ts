/**
 * The fake VLM sidecar for vision `images` on chat (PROTOCOL-SURFACE §10.4): each image costs an OCR call and a
 * description call; the prompt is rewritten with an image-analysis block and stripped of UI markers. Deterministic:
 * the "analysis" is derived from the image data's digest.
 * @module
 */
import { bytesToHex, sha256, utf8ToBytes } from '@fabstir/crypto'
import { asStr, getField, type JsonValue } from '../json-lossless.js'
import { estimateTokens } from './tokens.js'

/** Remove the UI markers the node strips from prompts with images. */
export function stripUiMarkers(prompt: string): string {
  return prompt
    .replace(/<<ATTACHMENTS>>[\s\S]*?<<\/ATTACHMENTS>>/g, '')
    .replace(/<<\/?DISPLAY>>/g, '')
    .replace(/\[Attached image:[^\]]*\]/g, '')
    .replace(/\n{3,}/g, '\n\n')
}

/** Result of the VLM step: the rewritten prompt and the VLM tokens spent (billed, reported as `vlm_tokens`). */
export interface VisionResult {
  prompt: string
  vlmTokens: number
}

/**
 * Analyse `images` (`[{data, format?}]`; entries without `data` are skipped, a non-array is ignored). Returns
 * `undefined` when there is nothing to analyse.
 */
export function analyseImages(images: JsonValue | undefined, prompt: string): VisionResult | undefined {
  if (!Array.isArray(images)) return undefined
  const lines: string[] = []
  let tokens = 0
  let n = 0
  for (const image of images) {
    const data = asStr(getField(image, 'data'))
    if (data === undefined || data === '') continue
    n++
    const format = asStr(getField(image, 'format')) ?? 'png'
    const digest = bytesToHex(sha256(utf8ToBytes(data))).slice(0, 8)
    const description = `a ${format} image (${data.length} base64 characters, digest ${digest})`
    const ocr = `text-${digest}`
    tokens += estimateTokens(ocr) + estimateTokens(description)
    lines.push(`Image ${n} (data:image/${format};base64): ${description}`, `Text in image ${n}: ${ocr}`)
  }
  if (n === 0) return undefined
  return {
    prompt: `[Image analysis]\n${lines.join('\n')}\n[/Image analysis]\n\n${stripUiMarkers(prompt)}`,
    vlmTokens: tokens,
  }
}

import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { ClientSession, Reply } from '@fabstir/transport-ws'
import { generateImage, type ImageResult, imageOf } from '@fabstir/transport-ws/image'
import { vectors } from '@fabstir/transport-ws/rag'

/** Options of the slash commands. */
export interface CommandOptions {
  /** Directory the images are written to. */
  imageDir: string
  /** Print a line. */
  print: (line: string) => void
}

export const COMMANDS_HELP = `Commands:
  /image <prompt>          generate an image (encrypted) and write it as a PNG file
  /rag add <text>          store <text> with a toy embedding — PLAINTEXT on the wire (needs --plaintext-rag)
  /rag search <text>       the 3 stored texts closest to <text> — PLAINTEXT on the wire (needs --plaintext-rag)`

let imageCount = 0
let ragCount = 0

/** Write an image to `dir` and return its absolute path. */
async function saveImage(image: ImageResult, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true })
  const ext = image.mimeType === 'image/png' ? 'png' : 'bin'
  const path = resolve(join(dir, `fabstir-image-${process.pid}-${++imageCount}.${ext}`))
  await writeFile(path, image.bytes)
  return path
}

/** A chat reply the node answered with an image (auto-routing of prompts like "draw a …"): save it. */
export async function saveRoutedImage(reply: Reply, options: CommandOptions): Promise<void> {
  const image = imageOf(reply)
  if (!image) return
  options.print(`      the node answered with an image: ${await saveImage(image, options.imageDir)}`)
}

/**
 * A toy 384-dimensional embedding (hashed words) so that the demo can show RAG without an embedding model.
 * Real apps use a sentence-embedding model with 384 dimensions (e.g. all-MiniLM-L6-v2).
 */
export function toyEmbedding(text: string): number[] {
  const v = new Array<number>(384).fill(0)
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619) >>> 0
    v[h % 384] = (v[h % 384] ?? 0) + 1
  }
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}

/** Run a slash command; false when `line` is not one. */
export async function runCommand(
  line: string,
  session: ClientSession,
  options: CommandOptions,
): Promise<boolean> {
  const [command, ...rest] = line.split(' ')
  const text = rest.join(' ').trim()
  if (command === '/image') {
    if (!text) {
      options.print('usage: /image <prompt>')
      return true
    }
    const image = await generateImage(session, { prompt: text, size: '512x512' })
    const path = await saveImage(image, options.imageDir)
    options.print(`image › ${path} (${image.size}, ${image.model}, ${image.billing.tokens} billing units)`)
    return true
  }
  if (command === '/rag') {
    const [sub, ...words] = rest
    const query = words.join(' ').trim()
    options.print('⚠️  RAG is PLAINTEXT: vectors and document text are readable on the wire and by the host')
    if (sub === 'add' && query) {
      const r = await vectors(session).upload(
        [{ id: `doc-${++ragCount}`, vector: toyEmbedding(query), metadata: { text: query } }],
        {
          replace: false,
        },
      )
      options.print(
        `rag › stored doc-${ragCount} (${r.status}, ${r.uploaded} uploaded, ${r.rejected} rejected)`,
      )
      return true
    }
    if (sub === 'search' && query) {
      const { results } = await vectors(session).search(toyEmbedding(query), { k: 3 })
      if (results.length === 0) options.print('rag › no match')
      for (const hit of results) {
        const stored = (hit.metadata as { text?: unknown } | null)?.text
        options.print(`rag › ${hit.score.toFixed(3)} ${hit.id}: ${String(stored)}`)
      }
      return true
    }
    options.print('usage: /rag add <text> | /rag search <text>')
    return true
  }
  return false
}

// Child process of the hostile-frame measurement (test/hostile-frames.test.ts): builds one hostile inbound frame of
// the given shape and size, feeds it to a session's receive() and prints one JSON line with the outcome, the time
// receive() took and the process's peak RSS. Run with a capped heap (`--max-old-space-size`): a regression that
// allocates per character dies of heap exhaustion here instead of in the test runner.
import { createPlaintextSession } from '@fabstir/protocol'

const [shape, sizeArg] = process.argv.slice(2)
const size = Number(sizeArg)

/** `prefix`, whole repetitions of `unit` padded with `x`, and `suffix`: exactly `size` characters. */
function fill(prefix, unit, suffix = '') {
  const body = size - prefix.length - suffix.length
  const reps = Math.floor(body / unit.length)
  return prefix + unit.repeat(reps) + 'x'.repeat(body - reps * unit.length) + suffix
}

const SHAPES = {
  'open-brackets': () => fill('', '['),
  'open-objects': () => fill('', '{"a":'),
  'deep-valid': () => `${'['.repeat(size / 2)}${']'.repeat(size / 2)}`,
  'unterminated-string': () => fill('{"type":"error","error":"', 'x'),
  'escape-heavy': () => fill('{"type":"error","error":"', '\\u0041', '"}'),
  'escape-heavy-unterminated': () => fill('{"type":"error","error":"', '\\n'),
  'many-values': () => fill('[', '0,', '0]'),
  'many-empty-arrays': () => fill('[', '[],', '[]]'),
  'huge-valid-string': () => fill('{"type":"error","error":"', 'x', '"}'),
}

const build = SHAPES[shape]
if (!build) throw new Error(`unknown shape ${shape}`)
const text = build()
const session = createPlaintextSession({ jobId: 1 })
const started = performance.now()
const events = session.receive(text)
const ms = performance.now() - started
const error = events.find((e) => e.type === 'error')?.error
process.stdout.write(
  `${JSON.stringify({
    shape,
    chars: text.length,
    ms: Math.round(ms),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    events: events.map((e) => e.type),
    code: error?.code,
    message: error?.message.slice(0, 200),
  })}\n`,
)

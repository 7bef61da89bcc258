import { bytesToHex } from '@fabstir/crypto'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../src/index.js'
import { textOf } from './helpers/events.js'
import { initAndWait, setupEncrypted } from './helpers/harness.js'

interface Line {
  level: string
  message: string
  context: string
}

function capturingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = []
  const record =
    (level: string) =>
    (message: string, context?: Record<string, unknown>): void => {
      // bytes are rendered as hex and bigints as digits, so that key material passed in any form would show up
      const text = JSON.stringify(context ?? {}, (_, v) =>
        v instanceof Uint8Array ? bytesToHex(v) : typeof v === 'bigint' ? v.toString() : v,
      )
      lines.push({ level, message, context: text })
    }
  return {
    lines,
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
  }
}

describe('logging', () => {
  it('never logs key material, the prompt or the answer', async () => {
    const { logger, lines } = capturingLogger()
    const prompt = 'What is 2+2?'
    const setup = setupEncrypted({ session: { logger } })
    const { sessionKeyCopy, opened, frame } = await initAndWait(setup)

    const events = await setup.link.exchange(setup.session.prompt(prompt))
    expect(textOf(events)).toBe('2 + 2 = 4.')
    setup.link.deliver('not json') // reported, and logged at most as a frame problem
    setup.link.deliver({ type: 'stream_end', reason: 'complete', id: 'nobody' }) // ignored (logged)

    // a fatal failure is logged too
    setup.core.setFaults({ tamperChunk: 3 })
    await setup.link.exchange(setup.session.prompt(prompt))
    expect(setup.session.state).toBe('failed')

    expect(lines.length).toBeGreaterThan(0)
    expect(lines.some((l) => l.level === 'warn')).toBe(true)
    const secrets = [
      bytesToHex(sessionKeyCopy),
      bytesToHex(sessionKeyCopy).toUpperCase(),
      opened.text,
      prompt,
      '2 + 2 = 4.',
      ' 4.',
      frame.payload.ciphertextHex,
    ]
    for (const line of lines) {
      const all = `${line.message} ${line.context}`
      for (const secret of secrets) expect(all).not.toContain(secret)
    }
  })

  it('works without a logger and with a partial one', async () => {
    const infos: string[] = []
    const setup = setupEncrypted({ session: { logger: { info: (m) => infos.push(m) } } })
    await initAndWait(setup)
    expect(textOf(await setup.link.exchange(setup.session.prompt('What is 2+2?')))).toBe('2 + 2 = 4.')
  })
})

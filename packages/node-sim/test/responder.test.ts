import { describe, expect, it } from 'vitest'
import { answerChunks, defaultResponder, expectedAnswer } from '../src/index.js'

async function collect(prompt: string): Promise<string[]> {
  const out: string[] = []
  for await (const c of defaultResponder({ prompt })) out.push(c)
  return out
}

describe('default responder', () => {
  it('answers What is 2+2? with word-sized chunks', async () => {
    expect(await collect('What is 2+2?')).toEqual(['2', ' +', ' 2', ' =', ' 4.'])
    expect(expectedAnswer('What is 2+2?')).toBe('2 + 2 = 4.')
    expect(expectedAnswer('What is 2+2?', 3)).toBe('2 + 2')
    expect(expectedAnswer('What is 2+2?', 0)).toBe('')
  })

  it('derives a deterministic, prompt-specific answer for other prompts', async () => {
    const a = expectedAnswer('hello   world\nagain')
    expect(a).toMatch(/^Answer [0-9a-f]{8}: hello world again$/)
    expect(expectedAnswer('hello   world\nagain')).toBe(a)
    expect(expectedAnswer('hello world again')).not.toBe(a)
    expect((await collect('hello world')).join('')).toBe(expectedAnswer('hello world'))
    expect(answerChunks('hello world')).toHaveLength(4)
    expect(expectedAnswer('   ')).toMatch(/^Answer [0-9a-f]{8}\.$/)
    const long = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ')
    expect(answerChunks(long)).toHaveLength(2 + 32)
  })
})

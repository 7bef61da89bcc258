import { describe, expect, it } from 'vitest'
import { parseCliArgs, USAGE } from '../src/cli-args.js'

describe('CLI flags of the full /v1/ws surface', () => {
  it('parses sidecar switches and pacing', () => {
    expect(
      parseCliArgs([
        '--no-auto-image-routing',
        '--no-vlm',
        '--web-search',
        '--image-delay-ms',
        '250',
        '--progress-interval-ms=2000',
      ]),
    ).toEqual({
      help: false,
      options: {
        autoImageRouting: false,
        vlm: false,
        webSearch: true,
        diffusion: { delayMs: 250 },
        transcoder: { pollIntervalMs: 2000 },
        comfyui: { stepDelayMs: 2000 },
      },
    })
  })

  it('a disabled sidecar stays disabled whatever the flag order', () => {
    for (const argv of [
      [
        '--no-diffusion',
        '--image-delay-ms',
        '5',
        '--no-transcoder',
        '--progress-interval-ms',
        '5',
        '--no-comfyui',
      ],
      [
        '--image-delay-ms',
        '5',
        '--no-diffusion',
        '--progress-interval-ms',
        '5',
        '--no-transcoder',
        '--no-comfyui',
      ],
    ]) {
      expect(parseCliArgs(argv)).toEqual({
        help: false,
        options: { diffusion: false, transcoder: false, comfyui: false },
      })
    }
  })

  it('rejects bad values and documents every flag', () => {
    expect(() => parseCliArgs(['--image-delay-ms', '-1'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENTS' }),
    )
    expect(() => parseCliArgs(['--progress-interval-ms'])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENTS' }),
    )
    expect(() => parseCliArgs(['--no-vlm=1'])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENTS' }))
    for (const flag of [
      '--no-auto-image-routing',
      '--no-diffusion',
      '--no-transcoder',
      '--no-comfyui',
      '--no-vlm',
      '--web-search',
      '--image-delay-ms',
      '--progress-interval-ms',
    ]) {
      expect(USAGE).toContain(flag)
    }
  })
})

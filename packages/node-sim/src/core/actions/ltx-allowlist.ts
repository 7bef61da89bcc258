/**
 * The LTX allow-list bundle as shipped with node 8.38.0 (templates/allowlist.json, `allowListVersion` 16;
 * PROTOCOL-SURFACE §8.2). The pinned hashes are the real node's, so clients written against it work unchanged.
 * @module
 */

/** `allowListVersion` of the shipped bundle. */
export const ALLOW_LIST_VERSION = 16
/** Frame count bounds. */
export const MIN_FRAMES = 121
export const MAX_FRAMES = 751
/** Allowed frame rates. */
export const ALLOWED_FPS: readonly number[] = [24, 25, 48, 50]
/** Allowed resolutions (w×h). */
export const ALLOWED_RESOLUTIONS: readonly (readonly [number, number])[] = [
  [768, 512],
  [1280, 720],
  [1920, 1080],
  [2560, 1440],
  [3840, 2160],
  [512, 768],
  [720, 1280],
  [1080, 1920],
  [1024, 1024],
  [1920, 1088],
  [1088, 1920],
  [2560, 1408],
  [1408, 2560],
  [1536, 1024],
  [1024, 1536],
  [3840, 2176],
  [2176, 3840],
]
/** Byte limits of input blobs (checked against the size field of their capability CIDs). */
export const IMAGE_MAX_BYTES = 33_554_432
export const VIDEO_MAX_BYTES = 134_217_728
/** Clip duration bounds in whole seconds. */
export const MIN_SECONDS = 5
export const MAX_SECONDS = 15

/** A template of the bundle: its pinned hash and how many image/video inputs it takes. */
export interface LtxTemplate {
  /** Pinned `templateHash`: `0x` + keccak256 of the template graph. */
  readonly hash: string
  /** Number of input images (`images` capability CIDs) the template takes. */
  readonly imageInputs: number
  /** Number of input videos (`videos` capability CIDs) the template takes. */
  readonly videoInputs: number
}

/** Every template of the shipped bundle. */
export const LTX_TEMPLATES: Readonly<Record<string, LtxTemplate>> = {
  'ltx-t2v-hdr': {
    hash: '0xd67dfae8ea7da02516af56bd39d7bf4dedebb65da09d0e520e7cc1c7bb5fe078',
    imageInputs: 0,
    videoInputs: 0,
  },
  'ltx-i2v-hdr': {
    hash: '0xa4c890fd5f9a24a778c2a2ab00be2141dcb2c801a339d390016924292dff128c',
    imageInputs: 1,
    videoInputs: 0,
  },
  'ltx-flf2v-hdr': {
    hash: '0x8bebde0f3bc0bf67f6f8efefe6fa742f2819edf6f70160541c756d62c9f96721',
    imageInputs: 2,
    videoInputs: 0,
  },
  'ltx-iclora-hdr': {
    hash: '0xef5588148be1ef3b34a859149ff3327b6acc70eec0bf1eda7c07e3b884c925e6',
    imageInputs: 1,
    videoInputs: 1,
  },
  'ltx-outpaint-hdr': {
    hash: '0x51273037895f44c3b18be7b6b5c11b6ae7225ebf67e6d89ec38d574d821e11e9',
    imageInputs: 0,
    videoInputs: 1,
  },
  'ltx-edit-hdr': {
    hash: '0x7c1900c0f1062c86c1d3b83725c42561f6f540012d7a3a74216ed1770bac9787',
    imageInputs: 0,
    videoInputs: 1,
  },
  'ltx-restore-hdr': {
    hash: '0xb09d8e6f1895a9c7513b57cc18729ae6f16fad0432460355d014185ebea1cb1c',
    imageInputs: 0,
    videoInputs: 1,
  },
  'ltx-upscale-hdr': {
    hash: '0xc5a149f0b9d1513db369b29bcf4ca7bd12e091f58a11c6adf968059b8ead39db',
    imageInputs: 0,
    videoInputs: 1,
  },
  'ltx-ingredients-hdr': {
    hash: '0xa936e172b695762f56c38f4499b1c2ae7f69160a0b889427c2d07a0c542f1e42',
    imageInputs: 1,
    videoInputs: 0,
  },
  'ltx-water-hdr': {
    hash: '0x015a079d593ec461805c2280e727b019c3b50e9f8d8f1b22c75a0c1dd33932d9',
    imageInputs: 0,
    videoInputs: 1,
  },
  'ltx-daynight-hdr': {
    hash: '0xfd67bbee78ac7759c5bd6bafba95ca4cd1be0d944487305e5b986eea29ccbc86',
    imageInputs: 0,
    videoInputs: 1,
  },
}

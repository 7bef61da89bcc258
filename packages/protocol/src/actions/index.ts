export { actionError } from './action-error.js'
export type {
  Flow,
  FlowKind,
  FlowOutcome,
  FlowProgressEvent,
  FlowResultEvent,
  SendFrameEvent,
} from './flow.js'
export {
  decodeImageReply,
  IMAGE_RESPONSE_AAD,
  type ImageRequest,
  type ImageResult,
  type ImageResultBilling,
  startImage,
} from './image.js'
export {
  LTX_CANCEL_FRAME,
  LTX_RESPONSE_AAD,
  startLtx,
  type VideoAcceptedProgress,
  type VideoProgress,
  type VideoRequest,
  type VideoResult,
  type VideoStageProgress,
} from './ltx.js'
export {
  batchVectors,
  MAX_RAG_FRAME_CHARS,
  type RagVectorInput,
  type SearchHit,
  type SearchOptions,
  type SearchResults,
  startRagSearch,
  startRagUpload,
  type UploadBatchResult,
  type VectorRejection,
} from './rag.js'
export {
  type AnySession,
  cancelFlow,
  endFlowLocally,
  expireFlow,
  type FlowStartOptions,
  flowDeadline,
  IMAGE_DEADLINE_MS,
  LTX_DEADLINE_MS,
  RAG_DEADLINE_MS,
  TRANSCODE_DEADLINE_MS,
} from './slot.js'
export {
  startTranscode,
  TRANSCODE_CANCEL_FRAME,
  TRANSCODE_RESPONSE_AAD,
  type TranscodeAcceptedProgress,
  type TranscodePercentProgress,
  type TranscodeProgress,
  type TranscodeRequest,
  type TranscodeResult,
} from './transcode.js'

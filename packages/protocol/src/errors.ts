// The error class of the SDK lives in `@fabstir/wire` (the lowest layer, so that `@fabstir/crypto` can extend it);
// `@fabstir/protocol` and `@fabstir/transport-ws` re-export it.
export {
  FabstirError,
  type FabstirErrorCode,
  type FabstirErrorOptions,
  isFabstirError,
  TROUBLESHOOTING_URL,
  troubleshootingUrl,
  walkCauses,
} from '@fabstir/wire'

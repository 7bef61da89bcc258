// The error classes of the SDK live in `@fabstir/wire` (the lowest layer, so that `@fabstir/crypto` can extend the
// base class); `@fabstir/protocol` and `@fabstir/transport-ws` re-export them.
export {
  FabstirBaseError,
  FabstirError,
  type FabstirErrorCode,
  type FabstirErrorOptions,
  isFabstirBaseError,
  isFabstirError,
  TROUBLESHOOTING_URL,
  troubleshootingUrl,
  walkCauses,
} from '@fabstir/wire'

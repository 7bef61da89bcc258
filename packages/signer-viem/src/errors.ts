export { isSignerError, SignerError, type SignerErrorCode, type SignerErrorContext } from '@fabstir/protocol'

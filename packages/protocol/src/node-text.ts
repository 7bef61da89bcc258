// Capping of node-chosen text lives in `@fabstir/wire` with the error class that applies it.
export { capNodeText, MAX_NODE_TEXT_CHARS } from '@fabstir/wire'

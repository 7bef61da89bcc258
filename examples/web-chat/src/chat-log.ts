/** Who wrote a log entry. */
export type Author = 'user' | 'node' | 'info' | 'error'

/** An answer being streamed into the log. */
export interface AnswerEntry {
  /** Append one streamed piece of the answer. */
  append(text: string): void
  /** Mark the answer finished (`encrypted` tells how it travelled). */
  finish(encrypted: boolean): void
  /** Mark the answer failed with a one-line reason. */
  fail(reason: string): void
}

/** The chat transcript. Text is only ever set through `textContent`: nothing the node sends is parsed as HTML. */
export class ChatLog {
  constructor(private readonly root: HTMLElement) {}

  /** Add a finished entry. */
  add(author: Author, text: string): HTMLElement {
    const entry = document.createElement('div')
    entry.className = `entry ${author}`
    entry.dataset.author = author
    entry.textContent = text
    this.root.append(entry)
    this.scroll()
    return entry
  }

  /** Start an answer that is filled in as it streams (`data-chunks` counts the pieces received). */
  startAnswer(): AnswerEntry {
    const entry = this.add('node', '')
    entry.dataset.testid = 'answer'
    entry.dataset.state = 'streaming'
    entry.dataset.chunks = '0'
    let chunks = 0
    return {
      append: (text) => {
        entry.append(text)
        chunks++
        entry.dataset.chunks = String(chunks)
        this.scroll()
      },
      finish: (encrypted) => {
        entry.dataset.state = 'done'
        entry.dataset.encrypted = String(encrypted)
      },
      fail: (reason) => {
        entry.dataset.state = 'failed'
        this.add('error', reason)
      },
    }
  }

  private scroll(): void {
    this.root.scrollTop = this.root.scrollHeight
  }
}

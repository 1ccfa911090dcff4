/**
 * The vendor's per-user serial lock (the send doc's 注意事项: 该接口基于单个用户加锁，只能串行调用): while one
 * send holds a mailbox, another send to it answers 429 1236006 "too many request". Other mailboxes are
 * unaffected. How long a send holds is `feishu.mail.lockHoldMs` (the send handler keeps it that long).
 */
export class MailboxLocks {
  private readonly held = new Set<string>()

  /** False when the mailbox is already held. */
  tryAcquire(mailbox: string): boolean {
    if (this.held.has(mailbox)) return false
    this.held.add(mailbox)
    return true
  }

  release(mailbox: string): void {
    this.held.delete(mailbox)
  }

  isHeld(mailbox: string): boolean {
    return this.held.has(mailbox)
  }
}

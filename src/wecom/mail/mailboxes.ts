/**
 * Where meeting mails land: one mailbox per recipient address (internal users by their corp address,
 * external addresses as given), holding what was delivered, for the control plane to read. Bounded twice:
 * `wecom.maxMailsPerMailbox` mails per mailbox (oldest first out) and `wecom.maxMailboxes` mailboxes (the
 * one delivered to least recently goes). A mail sent to many people is one shared object.
 */

export interface DeliveredMail {
  id: string
  /** Unix seconds on the emulator clock. */
  at: number
  corpid: string
  agentid: number
  to: string[]
  cc: string[]
  subject: string
  content: string
  content_type: 'html' | 'text'
  /** Names and decoded sizes only: the bytes are not kept. */
  attachments: { file_name: string; size: number }[]
  schedule: {
    schedule_id: string
    method: 'request' | 'cancel'
    start_time: number
    end_time: number
    location: string
  }
  meetingid: string | null
}

export interface MailboxEntry {
  mail: DeliveredMail
  /** How this mailbox got it: bcc recipients see themselves only here. */
  as: 'to' | 'cc' | 'bcc'
}

export class MailboxStore {
  private readonly boxes = new Map<string, MailboxEntry[]>()

  constructor(
    private readonly maxMailboxes: number,
    private readonly maxPerMailbox: number,
  ) {}

  deliver(address: string, mail: DeliveredMail, as: MailboxEntry['as']): void {
    const key = address.toLowerCase()
    const box = this.boxes.get(key) ?? []
    // Re-inserting moves the mailbox to the young end of the eviction order.
    this.boxes.delete(key)
    box.push({ mail, as })
    while (box.length > this.maxPerMailbox) box.shift()
    this.boxes.set(key, box)
    while (this.boxes.size > this.maxMailboxes) this.boxes.delete(this.boxes.keys().next().value as string)
  }

  /** What the address received, oldest first (empty for an address nothing was sent to). */
  read(address: string): readonly MailboxEntry[] {
    return this.boxes.get(address.toLowerCase()) ?? []
  }

  addresses(): string[] {
    return [...this.boxes.keys()]
  }
}

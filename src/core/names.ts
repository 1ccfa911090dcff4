/**
 * One copy of each short string a store keeps many times over (userids, rooms, paths, apps): each request
 * brings fresh strings from its JSON or its URL, and records that keep them keep one more object each for
 * the garbage collector to copy and mark. Longer strings (free text) are kept as given. Bounded: past its
 * size it starts again.
 */
export class Names {
  private readonly map = new Map<string, string>()

  constructor(
    private readonly maxLength = 64,
    private readonly maxNames = 4096,
  ) {}

  get(s: string): string {
    if (s.length > this.maxLength) return s
    const known = this.map.get(s)
    if (known !== undefined) return known
    if (this.map.size >= this.maxNames) this.map.clear()
    this.map.set(s, s)
    return s
  }

  list(ids: readonly string[]): string[] {
    return ids.map((id) => this.get(id))
  }
}

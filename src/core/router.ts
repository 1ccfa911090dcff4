/**
 * Finds the route for a path. Static paths are one map lookup; paths with `:params` are matched segment
 * by segment, and a literal segment beats a parameter (`…/messages/send` is the send route, not
 * `…/messages/:message_id` with the id "send"), as HTTP routers rank them. Method is not part of the key:
 * WeCom answers a wrong method with 40058 and Feishu with a 404, so the vendor decides, not the router.
 */
import type { RouteDef } from './module.ts'

interface ParamRoute {
  segments: string[]
  /** Per segment, the parameter's name (without its `:`), or undefined for a literal segment. */
  names: (string | undefined)[]
  /** Its literal segments: the more, the more specific the route. */
  literals: number
  route: RouteDef
}

export interface RouteMatch {
  route: RouteDef
  params: Record<string, string>
}

/** The params of a static path: none, and shared by every match of one (frozen, so no request can write to it). */
const NO_PARAMS: Record<string, string> = Object.freeze({})

export class Router {
  private readonly exact = new Map<string, RouteDef[]>()
  /** A static path's matches, built when its routes are added: looking one up allocates nothing. */
  private readonly exactMatches = new Map<string, readonly RouteMatch[]>()
  private readonly withParams: ParamRoute[] = []
  /** The same routes by their number of segments, in the order added: a path is only matched against its length's. */
  private readonly withParamsByLength = new Map<number, ParamRoute[]>()
  /**
   * The last path with parameters and its matches (frozen, params too): a client sends to one path again
   * and again (its mailbox's send), and splitting and matching it was a few hundred ns a request.
   */
  private last: { path: string | undefined; matches: readonly RouteMatch[] } = { path: undefined, matches: [] }

  add(route: RouteDef): void {
    this.last = { path: undefined, matches: [] }
    if (route.path.includes(':')) {
      const segments = route.path.split('/')
      const names = segments.map((s) => (s.startsWith(':') ? s.slice(1) : undefined))
      const entry = { segments, names, literals: names.filter((n) => n === undefined).length, route }
      this.withParams.push(entry)
      const same = this.withParamsByLength.get(segments.length)
      if (same) same.push(entry)
      else this.withParamsByLength.set(segments.length, [entry])
      return
    }
    const list = this.exact.get(route.path) ?? []
    if (list.some((r) => r.method === route.method)) throw new Error(`duplicate route ${route.method} ${route.path}`)
    list.push(route)
    this.exact.set(route.path, list)
    this.exactMatches.set(route.path, Object.freeze(list.map((r) => Object.freeze({ route: r, params: NO_PARAMS }))))
  }

  /** The most specific routes registered for the path (those with the most literal segments), whatever their method. */
  match(path: string): readonly RouteMatch[] {
    const exact = this.exactMatches.get(path)
    if (exact) return exact
    if (path === this.last.path) return this.last.matches
    const parts = path.split('/')
    let out: RouteMatch[] = []
    let best = -1
    for (const { segments, names, literals, route } of this.withParamsByLength.get(parts.length) ?? []) {
      if (literals < best) continue
      // The literal segments first: most routes fail there, before any parameter is decoded.
      let ok = true
      for (let i = 0; i < segments.length; i++) {
        if (names[i] === undefined ? segments[i] !== parts[i] : parts[i] === '') {
          ok = false
          break
        }
      }
      if (!ok) continue
      const params: Record<string, string> = {}
      for (let i = 0; i < segments.length; i++) {
        const name = names[i]
        if (name !== undefined) params[name] = decodeSegment(parts[i]!)
      }
      if (literals > best) {
        best = literals
        out = []
      }
      out.push(Object.freeze({ route, params: Object.freeze(params) }))
    }
    const matches = Object.freeze(out)
    this.last = { path, matches }
    return matches
  }

  routes(): RouteDef[] {
    return [...[...this.exact.values()].flat(), ...this.withParams.map((p) => p.route)]
  }
}

/** A path segment as its parameter's value: percent-decoded, or as it came when it does not decode. */
function decodeSegment(part: string): string {
  if (!part.includes('%')) return part
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

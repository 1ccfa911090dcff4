/** The router: static paths, `:params` by segment, the most specific routes first. */
import { expect, test } from 'vitest'
import type { RouteDef } from '../src/core/module.ts'
import { Router } from '../src/core/router.ts'

const route = (path: string, method = 'GET') => ({ id: `${method} ${path}`, path, method }) as unknown as RouteDef

function router(...routes: RouteDef[]): Router {
  const r = new Router()
  for (const x of routes) r.add(x)
  return r
}

test('a static path matches its routes of every method, with no params', () => {
  const r = router(route('/a/b'), route('/a/b', 'POST'))
  expect(r.match('/a/b').map((m) => [m.route.method, m.params])).toEqual([
    ['GET', {}],
    ['POST', {}],
  ])
})

test('a literal segment beats a parameter, and a parameter of the same length matches only what it can', () => {
  const r = router(route('/m/:id'), route('/m/send'), route('/m/:id/parts/:part'))
  expect(r.match('/m/send').map((m) => m.route.path)).toEqual(['/m/send'])
  expect(r.match('/m/x1').map((m) => [m.route.path, m.params])).toEqual([['/m/:id', { id: 'x1' }]])
  expect(r.match('/m/x1/parts/2').map((m) => m.params)).toEqual([{ id: 'x1', part: '2' }])
  expect(r.match('/m/x1/other/2')).toEqual([])
  expect(r.match('/m/')).toEqual([])
})

test('a parameter is percent-decoded, and kept as it came when it does not decode', () => {
  const r = router(route('/u/:mailbox/send'))
  expect(r.match('/u/a%40b.c/send')[0]?.params).toEqual({ mailbox: 'a@b.c' })
  expect(r.match('/u/100%/send')[0]?.params).toEqual({ mailbox: '100%' })
})

test('the params of a static path cannot be written to by a request', () => {
  const r = router(route('/a'))
  const params = r.match('/a')[0]!.params
  expect(() => {
    params.x = '1'
  }).toThrow(TypeError)
  expect(r.match('/a')[0]!.params).toEqual({})
})

test('a path with parameters matched again answers the same matches, which no request can write to', () => {
  const r = router(route('/m/:id'), route('/m/:id', 'POST'), route('/m/send'), route('/n/:a/:b'))
  const first = r.match('/m/x1')
  expect(r.match('/m/x1')).toBe(first)
  expect(first.map((m) => [m.route.method, m.params])).toEqual([
    ['GET', { id: 'x1' }],
    ['POST', { id: 'x1' }],
  ])
  expect(() => {
    first[0]!.params.id = 'other'
  }).toThrow(TypeError)
  // Other paths in between, then the first again: each its own.
  expect(r.match('/n/1/2').map((m) => m.params)).toEqual([{ a: '1', b: '2' }])
  expect(r.match('/m/x2').map((m) => m.params)).toEqual([{ id: 'x2' }, { id: 'x2' }])
  expect(r.match('/m/send').map((m) => m.route.path)).toEqual(['/m/send'])
  expect(r.match('/m/x1').map((m) => m.params)).toEqual([{ id: 'x1' }, { id: 'x1' }])
  expect(r.match('/m/x1/y')).toEqual([])
  expect(r.match('/m/x1/y')).toEqual([])
  // A route added later is matched: nothing matched before it is answered again.
  r.add(route('/m/:id/y'))
  expect(r.match('/m/x1/y').map((m) => m.route.path)).toEqual(['/m/:id/y'])
})

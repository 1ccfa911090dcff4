/** The emulator mounted in a user's own Express app (supertest drives it without a port). */
import express from 'express'
import request from 'supertest'
import { expect, test } from 'vitest'
import { createEmulator, expressMiddleware } from '../src/index.ts'

test('the middleware serves both vendors and the control plane under its mount path', async () => {
  const emulator = createEmulator()
  const app = express()
  app.use('/vendor', expressMiddleware(emulator))
  app.get('/health', (_req, res) => {
    res.send('mine')
  })
  const token = await request(app)
    .get('/vendor/cgi-bin/gettoken')
    .query({ corpid: 'wwdevcorp0000001', corpsecret: 'dev-secret-meetings-1000014' })
  expect(token.status).toBe(200)
  expect(token.body.errcode).toBe(0)
  const defaults = await request(app).get('/vendor/__mock/defaults')
  expect(defaults.body.wecom.corpid).toBe('wwdevcorp0000001')
  const notFound = await request(app).post('/vendor/open-apis/nope')
  expect([notFound.status, notFound.text]).toEqual([404, '404 page not found'])
  // Paths that are not the vendors' fall through to the host app.
  expect((await request(app).get('/health')).text).toBe('mine')
})

test('a body already parsed by the host app is rebuilt, not lost', async () => {
  const emulator = createEmulator()
  const app = express()
  app.use(express.json())
  app.use(expressMiddleware(emulator))
  const r = await request(app)
    .post('/open-apis/auth/v3/tenant_access_token/internal')
    .send({ app_id: 'cli_devapp00000001', app_secret: 'dev-feishu-secret-00000001' })
  expect(r.body).toMatchObject({ code: 0, msg: 'ok', expire: 7200 })
})

test('the journal sees what went through the middleware', async () => {
  const emulator = createEmulator()
  const app = express()
  app.use(expressMiddleware(emulator))
  await request(app).get('/cgi-bin/gettoken').query({ corpid: 'wwdevcorp0000001', corpsecret: 'bad' })
  const j = await request(app).get('/__mock/requests').query({ route: 'wecom.gettoken', code: 40001 })
  expect(j.body.count).toBe(1)
  expect(j.body.entries[0]).toMatchObject({
    vendor: 'wecom',
    method: 'GET',
    path: '/cgi-bin/gettoken',
    status: 200,
    code: 40001,
  })
})

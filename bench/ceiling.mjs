/**
 * The ceiling: a bare node:http server that reads the body, parses the JSON and answers a fixed body. No
 * emulator can beat it on the same machine, so the stub server's figures are read as a ratio to it.
 * Prints its URL on stdout. Plain JavaScript so its RSS is not inflated by type stripping.
 */
import { createServer } from 'node:http'

const fixed = JSON.stringify({ errcode: 0, errmsg: 'ok', meetingid: 'hyXG0RCQAAogMgFb9Tx_b-1-lhJRWvvg' })
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(fixed)
  })
})
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`)
})

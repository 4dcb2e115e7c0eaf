// Start a full local AT Protocol network (PLC, PDS, AppView, bsync, ozone) and write
// its URLs to the JSON file named as the first argument once it is listening.
// SIGTERM or SIGINT closes it. Needs DB_POSTGRES_URL and REDIS_HOST (never contacted).
import fs from 'node:fs'
import { TestNetwork } from '@atproto/dev-env'

const out = process.argv[2]
if (!out) {
  console.error('usage: node start-network.mjs URLS.json')
  process.exit(2)
}

const network = await TestNetwork.create({ dbPostgresSchema: 'sounding' })
const urls = {
  plc: network.plc.url,
  pds: network.pds.url.replace('localhost', '127.0.0.1'),
  appview: network.bsky.url.replace('localhost', '127.0.0.1'),
  pid: process.pid,
}
fs.writeFileSync(out + '.tmp', JSON.stringify(urls))
fs.renameSync(out + '.tmp', out)
console.log('READY', JSON.stringify(urls))

let closing = false
async function stop() {
  if (closing) return
  closing = true
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

// Preload (node --require): every server that listens on a port alone listens on
// 127.0.0.1, so the test network is never reachable from outside this machine.
'use strict'
const net = require('node:net')

const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const first = args[0]
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const rest = args.slice(1)
    if (typeof rest[0] !== 'string') {
      return listen.call(this, Number(first), '127.0.0.1', ...rest)
    }
  } else if (first && typeof first === 'object' && !first.path && !first.host) {
    return listen.call(this, { ...first, host: '127.0.0.1' }, ...args.slice(1))
  } else if (first === undefined || typeof first === 'function') {
    return listen.call(this, 0, '127.0.0.1', ...args)
  }
  return listen.apply(this, args)
}

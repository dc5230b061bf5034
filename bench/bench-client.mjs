// How the benches' protocol clients connect: a loopback socket without Nagle's delay (they send many small commands), ready once the server's greeting came.
import net from 'node:net';

/** Connects a client made by `create`; resolves with it when the greeting arrives, awaited as `greeting` describes it to the client. */
export function connectBenchClient({ port, host, create, greeting }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    socket.setNoDelay(true);
    const client = create(socket);
    client.waiter = { ...greeting, resolve: () => resolve(client), reject };
    socket.once('error', reject);
  });
}

// The wait of a protocol connection whose socket buffer is full: until the peer took the bytes ('drain') or went away ('close').
import type { Socket } from 'node:net';

export function socketDrained(socket: Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

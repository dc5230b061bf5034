// A real SMTP server (nodemailer's smtp-server) on 127.0.0.1, port 0, playing the remote MX or the smarthost in outbound tests.
import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession } from 'smtp-server';
import { generate } from 'selfsigned';

export interface ReceivedMessage {
  mailFrom: string;
  rcptTo: string[];
  data: Buffer;
  /** The session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The authenticated user, if any. */
  user: string | undefined;
  helo: string;
}

/** A reply such as "451 4.3.0 try again later" (refuse) or undefined (accept). */
export type Answer = string | undefined;

export interface RemoteSMTPOptions {
  /** TLS from the first byte (a smarthost on 465). */
  implicitTLS?: boolean;
  /** Do not offer STARTTLS. */
  noStartTLS?: boolean;
  /** Require AUTH with these credentials (AUTH is only offered after TLS). */
  auth?: { user: string; pass: string };
  onMailFrom?: (address: string) => Answer;
  onRcptTo?: (address: string) => Answer;
  /** Decides the reply to the end of DATA; may be async (to hold a delivery open). */
  onData?: (message: ReceivedMessage) => Answer | Promise<Answer>;
}

export interface RemoteSMTP {
  port: number;
  /** Every message the server acknowledged with 250, in order. */
  readonly received: ReceivedMessage[];
  /** Connections accepted so far. */
  connections(): number;
  /** The PEM certificate it serves (to trust as a smarthost CA). */
  cert: string;
  close(): Promise<void>;
}

let pairPromise: Promise<{ cert: string; key: string }> | undefined;

/** One self-signed certificate for localhost and 127.0.0.1 per test process (RSA generation is slow). */
export function testCertificate(): Promise<{ cert: string; key: string }> {
  pairPromise ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  }).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return pairPromise;
}

function refusal(answer: string): Error {
  const match = /^(\d{3})[ -]?(.*)$/s.exec(answer);
  return Object.assign(new Error(match?.[2] ?? answer), { responseCode: Number(match?.[1] ?? 451) });
}

export async function startRemoteSMTP(options: RemoteSMTPOptions = {}): Promise<RemoteSMTP> {
  const { cert, key } = await testCertificate();
  const received: ReceivedMessage[] = [];
  let connections = 0;
  const server = new SMTPServer({
    secure: options.implicitTLS ?? false,
    key,
    cert,
    logger: false,
    // Hiding STARTTLS is not enough: smtp-server still accepts the command when it is not offered.
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.noStartTLS ? ['STARTTLS'] : [])],
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
      callback(refusal('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(address, session, callback) {
      if (options.auth && !session.user) return callback(refusal('530 5.7.0 Authentication required'));
      const answer = options.onMailFrom?.(address.address);
      callback(answer ? refusal(answer) : undefined);
    },
    onRcptTo(address, _session, callback) {
      const answer = options.onRcptTo?.(address.address);
      callback(answer ? refusal(answer) : undefined);
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const message: ReceivedMessage = {
          mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks),
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : undefined,
          helo: session.hostNameAppearsAs,
        };
        void Promise.resolve(options.onData?.(message)).then((answer) => {
          if (answer) return callback(refusal(answer));
          received.push(message);
          callback(null, '2.0.0 queued');
        });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    received,
    connections: () => connections,
    cert,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

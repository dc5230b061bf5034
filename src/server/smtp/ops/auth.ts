// AUTH PLAIN / LOGIN: every attempt goes through authenticate() (protocol smtp), and a success registers the session.
import type { SMTPServer, SMTPServerAuthentication, SMTPServerAuthenticationResponse, SMTPServerSession } from 'smtp-server';
import { canonicalIp } from '../../../security/index.js';
import type { SMTPDeps } from '../smtp-context.js';
import { stateOf } from '../smtp-context.js';
import { connectionOf } from '../smtp-server-adapter.js';
import { SMTP_REPLIES, smtpError } from '../smtp-replies.js';

export function onAuth(deps: SMTPDeps, server: () => SMTPServer) {
  return (auth: SMTPServerAuthentication, session: SMTPServerSession, callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void): void => {
    void (async () => {
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return callback(smtpError({ code: 504, enhanced: '5.5.4', text: 'Unrecognized authentication type' }));
      const result = await deps.security.authenticate({
        protocol: 'smtp',
        username: auth.username ?? '',
        secret: auth.password ?? '',
        remoteIp: canonicalIp(session.remoteAddress),
        client: session.hostNameAppearsAs ?? '',
        tls: session.secure,
      });
      if (!result.ok) {
        const reply = SMTP_REPLIES[result.code];
        const text = result.code === 'AUTH_THROTTLED' && result.retryAfterSeconds ? `${reply.text} (in ${result.retryAfterSeconds} s)` : reply.text;
        return callback(smtpError({ ...reply, text }));
      }
      const state = stateOf(session);
      state.account = result.account;
      const registration = deps.security.sessions.register({
        accountId: result.account.id,
        protocol: 'smtp',
        credential: result.credential,
        appPasswordId: result.appPasswordId,
        ...(result.device ? { deviceId: result.device.device.id } : {}),
        authenticatedAt: result.authenticatedAt,
        ip: canonicalIp(session.remoteAddress),
        client: session.hostNameAppearsAs ?? '',
        end: (reason) => {
          const connection = connectionOf(server(), session);
          deps.logger.info({ session: session.id, reason }, 'smtp session ended by revocation');
          connection?.send(421, `4.7.0 ${deps.hostname} session ended (${reason})`);
          connection?.close();
        },
      });
      state.unregister = registration.unregister;
      callback(null, { user: result.account.address });
    })().catch((error: unknown) => {
      deps.logger.error({ err: error, session: session.id }, 'smtp auth failed internally');
      callback(smtpError(SMTP_REPLIES.INTERNAL));
    });
  };
}

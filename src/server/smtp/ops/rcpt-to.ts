// RCPT TO: local accounts and aliases on the MX (unknown → 550 5.1.1), no relaying without authentication (550 5.7.1).
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { SMTPDeps, SMTPListenerKind } from '../smtp-context.js';
import { stateOf } from '../smtp-context.js';
import { smtpError } from '../smtp-replies.js';

export function onRcptTo(deps: SMTPDeps, kind: SMTPListenerKind) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (error?: Error | null) => void): void => {
    void (async () => {
      const recipient = await deps.recipients.resolve(address.address);
      if (recipient.kind === 'invalid') return callback(smtpError({ code: 553, enhanced: '5.1.3', text: 'Bad recipient address syntax' }));
      if (kind === 'submission') {
        if (recipient.kind === 'unknown') return callback(smtpError({ code: 550, enhanced: '5.1.1', text: 'No such user here' }));
        return callback();
      }
      if (recipient.kind === 'local') {
        stateOf(session).localRecipients.set(address.address, recipient.account.id);
        return callback();
      }
      if (recipient.kind === 'unknown') {
        // A bounce (null sender) to an SRS address we issued when forwarding goes back to the
        // original sender; anything else to such an address would make it a relay.
        const original = session.envelope.mailFrom && session.envelope.mailFrom.address === '' ? deps.reverseSRS?.(address.address) : null;
        if (original) {
          stateOf(session).srsReturns.set(address.address, original);
          return callback();
        }
        return callback(smtpError({ code: 550, enhanced: '5.1.1', text: 'No such user here' }));
      }
      // Not ours and not authenticated: relaying would make us an open relay.
      return callback(smtpError({ code: 550, enhanced: '5.7.1', text: 'Relaying denied' }));
    })().catch((error: unknown) => {
      deps.logger.error({ err: error, session: session.id }, 'smtp RCPT TO failed');
      callback(smtpError({ code: 451, enhanced: '4.3.0', text: 'Local error in processing' }));
    });
  };
}

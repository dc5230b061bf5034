// MAIL FROM: on submission the envelope sender must be the user's own address or alias.
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { normalizeAddress } from '../../../lib/index.js';
import type { SMTPDeps, SMTPListenerKind } from '../smtp-context.js';
import { stateOf } from '../smtp-context.js';
import { smtpError } from '../smtp-replies.js';

export function onMailFrom(deps: SMTPDeps, kind: SMTPListenerKind) {
  return (address: SMTPServerAddress, session: SMTPServerSession, callback: (error?: Error | null) => void): void => {
    void (async () => {
      const state = stateOf(session);
      state.localRecipients.clear();
      state.srsReturns.clear();
      if (kind === 'mx') return callback();
      const account = state.account;
      if (!account) return callback(smtpError({ code: 530, enhanced: '5.7.0', text: 'Authentication required' }));
      let sender: string;
      try {
        sender = normalizeAddress(address.address).address;
      } catch {
        return callback(smtpError({ code: 553, enhanced: '5.7.1', text: 'Sender address rejected: not owned by you' }));
      }
      if (!(await deps.submission.maySendAs(account, sender))) {
        return callback(smtpError({ code: 553, enhanced: '5.7.1', text: `Sender address rejected: not owned by ${account.address}` }));
      }
      callback();
    })().catch((error: unknown) => {
      deps.logger.error({ err: error, session: session.id }, 'smtp MAIL FROM failed');
      callback(smtpError({ code: 451, enhanced: '4.3.0', text: 'Local error in processing' }));
    });
  };
}

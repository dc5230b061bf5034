// Security checkup: the first Mailbox Security page, listing what protects the account already and what is missing, each with a link to the page that fixes it.
import type { ReactElement } from 'react';
import type { AlternateEmailStatus, LoginRecordPage, MailServices, Passkey, TwoFactorStatus } from '../../api-types';
import { ErrorMessage } from '../../components/form';
import { Link } from '../../components/link';
import { SettingsLayout } from '../../components/settings-layout';
import { useLoad } from '../../components/use-load';
import { formatTime, protocolLabel } from '../../format';
import { ROUTES } from '../../routes';

interface Item {
  key: string;
  ok: boolean;
  text: string;
  fix?: { to: string; label: string };
  /** A second way to act on the same finding. */
  also?: { to: string; label: string };
}

function items(data: {
  twoFactor: TwoFactorStatus | undefined;
  alternate: AlternateEmailStatus | undefined;
  services: MailServices | undefined;
  failures: LoginRecordPage | undefined;
  passkeys: Passkey[] | undefined;
}): Item[] {
  const list: Item[] = [];
  const { twoFactor, alternate, services, failures, passkeys } = data;
  if (twoFactor) {
    list.push(
      twoFactor.enabled
        ? { key: '2fa', ok: true, text: 'Two-factor sign-in is on.' }
        : { key: '2fa', ok: false, text: 'Two-factor sign-in is off: your password alone opens your mailbox.', fix: { to: ROUTES.twoFactor, label: 'Turn on two-factor authentication' } },
    );
    if (twoFactor.enabled) {
      const { remaining, createdAt, remind } = twoFactor.backupCodes;
      list.push(
        remind
          ? {
              key: 'backup',
              ok: false,
              text: `Your backup codes need renewing: ${remaining} left${createdAt !== null ? `, made ${formatTime(createdAt)}` : ''}.`,
              fix: { to: ROUTES.twoFactor, label: 'Make new backup codes' },
            }
          : { key: 'backup', ok: true, text: `You have ${remaining} backup codes.` },
      );
    }
  }
  if (alternate) {
    list.push(
      alternate.address !== null
        ? { key: 'alternate', ok: true, text: `Your alternate email ${alternate.address} is verified.` }
        : {
            key: 'alternate',
            ok: false,
            text: alternate.pending ? `Your alternate email ${alternate.pending.address} is not verified yet.` : 'No verified alternate email: if you forget your password, only the administrator can help.',
            fix: { to: ROUTES.alternateEmail, label: alternate.pending ? 'Verify the alternate email' : 'Add an alternate email' },
          },
    );
  }
  if (passkeys) {
    list.push(
      passkeys.length > 0
        ? { key: 'passkeys', ok: true, text: `You have ${passkeys.length} passkey${passkeys.length === 1 ? '' : 's'}.` }
        : { key: 'passkeys', ok: false, text: 'No passkey: a passkey signs you in without a password and cannot be phished.', fix: { to: ROUTES.passkeys, label: 'Add a passkey' } },
    );
  }
  if (services) {
    const open = (['smtp', 'pop3', 'imap'] as const).filter((p) => services[p]);
    list.push(
      open.length === 0
        ? { key: 'services', ok: true, text: 'SMTP, POP3 and IMAP4 are closed: only the webmail can sign in.' }
        : {
            key: 'services',
            ok: false,
            text: `Mail services open: ${open.map(protocolLabel).join(', ')}. Close the ones you do not use.`,
            fix: { to: ROUTES.services, label: 'Review mail services' },
          },
    );
  }
  if (failures) {
    const count = failures.records.length;
    list.push(
      count === 0
        ? { key: 'failures', ok: true, text: 'No failed sign-ins recorded.' }
        : {
            key: 'failures',
            ok: false,
            text: `Recent failed sign-ins: ${count === 5 ? '5 or more' : count}, the last at ${formatTime(failures.records[0]?.time)} from ${failures.records[0]?.ip ?? 'an unknown address'}. If these were not you, change your password.`,
            fix: { to: ROUTES.loginRecords, label: 'See the login records' },
            also: { to: ROUTES.password, label: 'Change your password' },
          },
    );
  }
  return list;
}

export function CheckupPage(): ReactElement {
  const twoFactor = useLoad<TwoFactorStatus>('/api/v1/security/two-factor');
  const alternate = useLoad<AlternateEmailStatus>('/api/v1/security/alternate-email');
  const services = useLoad<MailServices>('/api/v1/security/services');
  const failures = useLoad<LoginRecordPage>('/api/v1/security/login-records?result=failure&limit=5');
  const passkeys = useLoad<{ passkeys: Passkey[] }>('/api/v1/security/passkeys');
  const loading = [twoFactor, alternate, services, failures, passkeys].some((l) => l.loading);
  const error = [twoFactor, alternate, services, failures, passkeys].map((l) => l.error).find((e) => e !== undefined);
  const list = items({ twoFactor: twoFactor.data, alternate: alternate.data, services: services.data, failures: failures.data, passkeys: passkeys.data?.passkeys });
  const todo = list.filter((item) => !item.ok);
  const done = list.filter((item) => item.ok);

  return (
    <SettingsLayout title="Security checkup">
      <ErrorMessage>{error}</ErrorMessage>
      {loading && list.length === 0 ? <p role="status">Loading…</p> : null}
      {todo.length > 0 ? (
        <section aria-labelledby="todo-title">
          <h2 id="todo-title">To do</h2>
          <ul className="checkup todo" aria-labelledby="todo-title">
            {todo.map((item) => (
              <li key={item.key}>
                <span className="mark" aria-hidden="true">
                  !
                </span>{' '}
                {item.text} {item.fix ? <Link to={item.fix.to}>{item.fix.label}</Link> : null}
                {item.also ? (
                  <>
                    {' · '}
                    <Link to={item.also.to}>{item.also.label}</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : !loading ? (
        <p className="message success">Everything the checkup looks at is in order.</p>
      ) : null}
      {done.length > 0 ? (
        <section aria-labelledby="done-title">
          <h2 id="done-title">Done</h2>
          <ul className="checkup done" aria-labelledby="done-title">
            {done.map((item) => (
              <li key={item.key}>
                <span className="mark" aria-hidden="true">
                  ✓
                </span>{' '}
                {item.text}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </SettingsLayout>
  );
}

// Security checkup: the first Mailbox Security page, listing what protects the account already and what is missing, each with a link to the page that fixes it.
import type { TFunction } from 'i18next';
import type { ReactElement } from 'react';
import type { AlternateEmailStatus, LoginRecordPage, MailServices, Passkey, TwoFactorStatus } from '../../../contract/index.js';
import { ErrorMessage } from '../../components/form.js';
import { Link } from '../../components/link.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime, protocolLabel } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';
import { ROUTES } from '../../routes.js';

interface Item {
  key: string;
  ok: boolean;
  text: string;
  fix?: { to: string; label: string };
  /** A second way to act on the same finding. */
  also?: { to: string; label: string };
}

function items(
  t: TFunction,
  data: {
    twoFactor: TwoFactorStatus | undefined;
    alternate: AlternateEmailStatus | undefined;
    services: MailServices | undefined;
    failures: LoginRecordPage | undefined;
    passkeys: Passkey[] | undefined;
  },
): Item[] {
  const list: Item[] = [];
  const { twoFactor, alternate, services, failures, passkeys } = data;
  if (twoFactor) {
    list.push(
      twoFactor.enabled
        ? { key: '2fa', ok: true, text: t('security.checkup.twoFactorOn') }
        : { key: '2fa', ok: false, text: t('security.checkup.twoFactorOff'), fix: { to: ROUTES.twoFactor, label: t('security.checkup.turnOnTwoFactor') } },
    );
    if (twoFactor.enabled) {
      const { remaining, createdAt, remind } = twoFactor.backupCodes;
      list.push(
        remind
          ? {
              key: 'backup',
              ok: false,
              text:
                createdAt !== null
                  ? t('security.checkup.backupRenewMade', { remaining, time: formatTime(createdAt) })
                  : t('security.checkup.backupRenew', { remaining }),
              fix: { to: ROUTES.twoFactor, label: t('security.checkup.makeBackupCodes') },
            }
          : { key: 'backup', ok: true, text: t('security.checkup.backupHave', { remaining }) },
      );
    }
  }
  if (alternate) {
    list.push(
      alternate.address !== null
        ? { key: 'alternate', ok: true, text: t('security.checkup.alternateVerified', { address: alternate.address }) }
        : {
            key: 'alternate',
            ok: false,
            text: alternate.pending ? t('security.checkup.alternatePending', { address: alternate.pending.address }) : t('security.checkup.alternateNone'),
            fix: { to: ROUTES.alternateEmail, label: alternate.pending ? t('security.checkup.verifyAlternate') : t('security.checkup.addAlternate') },
          },
    );
  }
  if (passkeys) {
    list.push(
      passkeys.length > 0
        ? { key: 'passkeys', ok: true, text: t('security.checkup.passkeysHave', { count: passkeys.length }) }
        : { key: 'passkeys', ok: false, text: t('security.checkup.passkeysNone'), fix: { to: ROUTES.passkeys, label: t('security.checkup.addPasskey') } },
    );
  }
  if (services) {
    const open = (['smtp', 'pop3', 'imap'] as const).filter((p) => services[p]);
    list.push(
      open.length === 0
        ? { key: 'services', ok: true, text: t('security.checkup.servicesClosed') }
        : {
            key: 'services',
            ok: false,
            text: t('security.checkup.servicesOpen', { list: open.map(protocolLabel).join(t('security.common.listSeparator')) }),
            fix: { to: ROUTES.services, label: t('security.checkup.reviewServices') },
          },
    );
  }
  if (failures) {
    const count = failures.records.length;
    const last = failures.records[0];
    list.push(
      count === 0
        ? { key: 'failures', ok: true, text: t('security.checkup.noFailures') }
        : {
            key: 'failures',
            ok: false,
            text: t('security.checkup.failures', {
              number: count === 5 ? t('security.checkup.fiveOrMore') : String(count),
              time: formatTime(last?.time),
              ip: last?.ip ?? t('security.checkup.unknownAddress'),
            }),
            fix: { to: ROUTES.loginRecords, label: t('security.checkup.seeLoginRecords') },
            also: { to: ROUTES.password, label: t('security.checkup.changePassword') },
          },
    );
  }
  return list;
}

/** One list of the checkup: what is still to do (each with its links), or what is done. */
function Findings({ kind, title, mark, items }: { kind: 'todo' | 'done'; title: string; mark: string; items: Item[] }): ReactElement {
  return (
    <section aria-labelledby={`${kind}-title`}>
      <h2 id={`${kind}-title`}>{title}</h2>
      <ul className={`checkup ${kind}`} aria-labelledby={`${kind}-title`}>
        {items.map((item) => (
          <li key={item.key}>
            <span className="mark" aria-hidden="true">
              {mark}
            </span>{' '}
            {item.text}
            {item.fix ? (
              <>
                {' '}
                <Link to={item.fix.to}>{item.fix.label}</Link>
              </>
            ) : null}
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
  );
}

export function CheckupPage(): ReactElement {
  const twoFactor = useAPI('GET /api/v1/security/two-factor');
  const alternate = useAPI('GET /api/v1/security/alternate-email');
  const services = useAPI('GET /api/v1/security/services');
  const failures = useAPI('GET /api/v1/security/login-records', { query: { result: 'failure', limit: 5 } });
  const passkeys = useAPI('GET /api/v1/security/passkeys');
  const loading = [twoFactor, alternate, services, failures, passkeys].some((l) => l.loading);
  const error = [twoFactor, alternate, services, failures, passkeys].map((l) => l.error).find((e) => e !== undefined);
  const { t } = useTranslation();
  const list = items(t, { twoFactor: twoFactor.data, alternate: alternate.data, services: services.data, failures: failures.data, passkeys: passkeys.data?.passkeys });
  const todo = list.filter((item) => !item.ok);
  const done = list.filter((item) => item.ok);

  return (
    <SettingsLayout title={t('common.pages.checkup')}>
      <ErrorMessage>{error}</ErrorMessage>
      {loading && list.length === 0 ? <p role="status">{t('common.loading')}</p> : null}
      {todo.length > 0 ? (
        <Findings kind="todo" title={t('security.checkup.todo')} mark="!" items={todo} />
      ) : !loading ? (
        <p className="message success">{t('security.checkup.allGood')}</p>
      ) : null}
      {done.length > 0 ? <Findings kind="done" title={t('security.checkup.done')} mark="✓" items={done} /> : null}
    </SettingsLayout>
  );
}

// App passwords: generated secrets for mail clients, each limited to some of SMTP, IMAP4 and POP3, shown once and revocable.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { AppPassword, CreatedAppPassword, Protocol } from '../../../contract/index.js';
import { call } from '../../api.js';
import { DataTable } from '../../components/data-table.js';
import { ActionButton, ErrorMessage, TextField, useAction } from '../../components/form.js';
import { MailClients } from '../../components/mail-clients.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime, protocolLabel } from '../../format.js';
import { useTranslation } from '../../i18n/index.js';

const PROTOCOLS: readonly Protocol[] = ['smtp', 'imap', 'pop3'];

function CreateAppPassword({ onCreated }: { onCreated(): Promise<void> }): ReactElement {
  const [name, setName] = useState('');
  const [protocols, setProtocols] = useState<Protocol[]>(['smtp', 'imap']);
  const [created, setCreated] = useState<CreatedAppPassword | undefined>(undefined);
  const [noProtocol, setNoProtocol] = useState(false);
  const action = useAction();
  const { t } = useTranslation();

  function submit(event: FormEvent): void {
    event.preventDefault();
    setNoProtocol(protocols.length === 0);
    if (protocols.length === 0) return;
    void action.run(async () => {
      setCreated(await call('POST /api/v1/security/app-passwords', { body: { name: name.trim(), protocols } }));
      setName('');
      await onCreated();
    });
  }

  function toggle(protocol: Protocol, on: boolean): void {
    setProtocols((before) => PROTOCOLS.filter((p) => (p === protocol ? on : before.includes(p))));
  }

  return (
    <form onSubmit={submit} aria-labelledby="create-app-password-title">
      <h2 id="create-app-password-title">{t('security.appPasswords.createTitle')}</h2>
      <TextField label={t('security.common.name')} value={name} onChange={setName} required maxLength={100} hint={t('security.appPasswords.nameHint')} />
      <fieldset>
        <legend>{t('security.appPasswords.servicesLegend')}</legend>
        {PROTOCOLS.map((protocol) => (
          <label key={protocol} className="checkbox-label">
            <input type="checkbox" checked={protocols.includes(protocol)} onChange={(event) => toggle(protocol, event.target.checked)} />
            {protocolLabel(protocol)}
          </label>
        ))}
      </fieldset>
      <ErrorMessage>{noProtocol ? t('security.appPasswords.chooseOne') : action.error}</ErrorMessage>
      {created ? (
        <div className="message success secret" role="status">
          <p>
            {t('security.common.appPasswordFor', { name: created.appPassword.name })} <code>{created.secret}</code>
          </p>
          <p>{t('security.appPasswords.shownNow')}</p>
        </div>
      ) : null}
      <button type="submit" disabled={action.busy}>
        {t('security.appPasswords.create')}
      </button>
    </form>
  );
}

function AppPasswordRow({ appPassword, onRevoked }: { appPassword: AppPassword; onRevoked(): Promise<void> }): ReactElement {
  const action = useAction();
  const { t } = useTranslation();
  let lastUsed = t('security.common.never');
  if (appPassword.lastUsedAt !== null) {
    lastUsed = appPassword.lastUsedIp
      ? t('security.appPasswords.lastUsedFrom', { time: formatTime(appPassword.lastUsedAt), ip: appPassword.lastUsedIp })
      : formatTime(appPassword.lastUsedAt);
  }
  return (
    <tr>
      <td>{appPassword.name}</td>
      <td>{appPassword.protocols.map(protocolLabel).join(t('security.common.listSeparator'))}</td>
      <td>{formatTime(appPassword.createdAt)}</td>
      <td>{lastUsed}</td>
      <td>
        <ActionButton
          action={action}
          label={t('security.appPasswords.revoke')}
          ariaLabel={t('security.appPasswords.revokeNamed', { name: appPassword.name })}
          run={async () => {
            await call('DELETE /api/v1/security/app-passwords/:id', { params: { id: appPassword.id } });
            await onRevoked();
          }}
        />
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

export function AppPasswordsPage(): ReactElement {
  const list = useAPI('GET /api/v1/security/app-passwords');
  const clients = useAPI('GET /api/v1/security/mail-clients');
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.appPasswords')} intro={t('security.appPasswords.intro')}>
      <ErrorMessage>{list.error}</ErrorMessage>
      <DataTable
        caption={t('security.appPasswords.caption')}
        columns={[t('security.common.name'), t('security.appPasswords.services'), t('security.common.created'), t('security.common.lastUsed'), t('security.common.action')]}
        {...(list.data ? { empty: t('security.appPasswords.empty') } : {})}
        rows={(list.data?.appPasswords ?? []).map((p) => (
          <AppPasswordRow key={p.id} appPassword={p} onRevoked={list.reload} />
        ))}
      />
      <CreateAppPassword onCreated={list.reload} />
      <section aria-labelledby="seen-clients-title">
        <h2 id="seen-clients-title">{t('security.appPasswords.seenClients')}</h2>
        <ErrorMessage>{clients.error}</ErrorMessage>
        {clients.data ? <MailClients clients={clients.data.clients} onCreated={() => void list.reload()} /> : null}
      </section>
    </SettingsLayout>
  );
}

// Mail clients that signed in with the account password: with two-factor sign-in on, each needs an app password, created here with one click; also how a sign-in's place reads.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { CreatedAppPassword, MailClient } from '../../contract/index.js';
import { call } from '../api.js';
import { formatTime, protocolLabel } from '../format.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { DataTable } from './data-table.js';
import { ActionButton, ErrorMessage, useAction } from './form.js';

/**
 * A sign-in's place as the server gave it: a city stays as it is; the two fixed values GeoIP gives
 * when it knows none (LOCATION_LOCAL and LOCATION_UNKNOWN in src/security/geoip.ts, matched here as
 * data, not shown) are said in the user's language.
 */
export function locationLabel(location: string): string {
  const value = location.toLowerCase();
  if (value === 'local network') return i18n.t('security.common.locationLocal');
  if (value === 'unknown') return i18n.t('security.common.locationUnknown');
  return location;
}

function MailClientRow({ client, onCreated }: { client: MailClient; onCreated?: () => void }): ReactElement {
  const action = useAction();
  const { t } = useTranslation();
  const [created, setCreated] = useState<CreatedAppPassword | undefined>(undefined);
  const name = client.client === '' ? t('security.mailClients.unnamed') : client.client;
  return (
    <tr>
      <td>{name}</td>
      <td>{protocolLabel(client.protocol)}</td>
      <td>{formatTime(client.lastSeenAt)}</td>
      <td>
        {client.lastIp}
        {client.lastLocation ? ` ${t('security.common.inParens', { text: locationLabel(client.lastLocation) })}` : ''}
      </td>
      <td>
        {created ? (
          <p className="secret">
            {t('security.common.appPasswordFor', { name: created.appPassword.name })} <code>{created.secret}</code>
            <br />
            {t('security.mailClients.shownOnce')}
          </p>
        ) : (
          <ActionButton
            action={action}
            label={t('security.mailClients.create')}
            ariaLabel={t('security.mailClients.createNamed', { name: client.suggestedName })}
            run={async () => {
              setCreated(await call('POST /api/v1/security/mail-clients/app-passwords', { body: { protocol: client.protocol, client: client.client } }));
              onCreated?.();
            }}
          />
        )}
        <ErrorMessage>{action.error}</ErrorMessage>
      </td>
    </tr>
  );
}

export function MailClients({ clients, onCreated }: { clients: MailClient[]; onCreated?: () => void }): ReactElement {
  const { t } = useTranslation();
  if (clients.length === 0) {
    return <p>{t('security.mailClients.none')}</p>;
  }
  return (
    <DataTable
      caption={t('security.mailClients.caption')}
      columns={[t('security.mailClients.client'), t('security.mailClients.service'), t('security.mailClients.lastSeen'), t('security.mailClients.lastIp'), t('security.common.action')]}
      rows={clients.map((client) => (
        <MailClientRow key={`${client.protocol}:${client.client}`} client={client} {...(onCreated ? { onCreated } : {})} />
      ))}
    />
  );
}

// Mail clients that signed in with the account password: with two-factor sign-in on, each needs an app password, created here with one click; also how a sign-in's place reads.
import { useState } from 'react';
import type { ReactElement } from 'react';
import { request } from '../api.js';
import type { CreatedAppPassword, MailClient } from '../api-types.js';
import { formatTime, protocolLabel } from '../format.js';
import { i18n, useTranslation } from '../i18n/index.js';
import { ErrorMessage, useAction } from './form.js';

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
          <button
            type="button"
            disabled={action.busy}
            aria-label={t('security.mailClients.createNamed', { name: client.suggestedName })}
            onClick={() =>
              void action.run(async () => {
                setCreated(await request<CreatedAppPassword>('POST', '/api/v1/security/mail-clients/app-passwords', { protocol: client.protocol, client: client.client }));
                onCreated?.();
              })
            }
          >
            {t('security.mailClients.create')}
          </button>
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
    <table>
      <caption>{t('security.mailClients.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('security.mailClients.client')}</th>
          <th scope="col">{t('security.mailClients.service')}</th>
          <th scope="col">{t('security.mailClients.lastSeen')}</th>
          <th scope="col">{t('security.mailClients.lastIp')}</th>
          <th scope="col">{t('security.common.action')}</th>
        </tr>
      </thead>
      <tbody>
        {clients.map((client) => (
          <MailClientRow key={`${client.protocol}:${client.client}`} client={client} {...(onCreated ? { onCreated } : {})} />
        ))}
      </tbody>
    </table>
  );
}

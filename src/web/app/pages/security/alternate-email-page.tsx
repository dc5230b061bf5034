// Alternate email: the verified address and one being verified, adding or changing it (password, then the mailed code), and removing it.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { AlternateEmailStatus } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ConfirmedForm } from '../../components/confirmed-form.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { formatTime } from '../../format.js';
import { Trans, useTranslation } from '../../i18n/index.js';

function AddAddress({ changing, onSent }: { changing: boolean; onSent(address: string): void }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'add-alternate-title', text: changing ? t('security.alternateEmail.changeTitle') : t('security.alternateEmail.addTitle') }}
      intro={<p className="hint">{t('security.alternateEmail.addHint')}</p>}
      fields={[{ name: 'address', label: t('security.alternateEmail.address'), type: 'email', autoComplete: 'email', maxLength: 320 }, 'password']}
      submit={t('security.alternateEmail.sendCode')}
      onSubmit={async ({ address, password }) => {
        const sent = await call('PUT /api/v1/security/alternate-email', { body: { address: address.trim(), password } });
        onSent(sent.address);
      }}
    />
  );
}

function VerifyCode({ address, expiresAt, onVerified }: { address: string; expiresAt: number | null; onVerified(status: AlternateEmailStatus): void }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'verify-alternate-title', text: t('security.alternateEmail.enterCode') }}
      intro={
        <p role="status" className="message notice">
          {expiresAt !== null
            ? t('security.alternateEmail.sentUntil', { address, time: formatTime(expiresAt) })
            : t('security.alternateEmail.sent', { address })}
        </p>
      }
      fields={[{ name: 'code', label: t('security.alternateEmail.code'), autoComplete: 'one-time-code', inputMode: 'numeric', maxLength: 32 }]}
      autoFocus="code"
      submit={t('security.alternateEmail.verify')}
      onSubmit={async ({ code }) => onVerified(await call('POST /api/v1/security/alternate-email/verify', { body: { code: code.replace(/\s+/g, '') } }))}
    />
  );
}

function Remove({ onRemoved }: { onRemoved(): Promise<void> }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'remove-alternate-title', text: t('security.alternateEmail.removeTitle') }}
      intro={<p className="hint">{t('security.alternateEmail.removeHint')}</p>}
      fields={['password']}
      submit={t('security.alternateEmail.remove')}
      danger
      onSubmit={async ({ password }, clear) => {
        await call('POST /api/v1/security/alternate-email/remove', { body: { password } });
        clear('password');
        await onRemoved();
      }}
    />
  );
}

export function AlternateEmailPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/alternate-email');
  /** An address just sent a code (the status is read again too, for its expiry). */
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const status = loaded.data;
  const pending = status?.pending ?? (sentTo !== undefined ? { address: sentTo, expiresAt: null } : null);
  const { t } = useTranslation();

  return (
    <SettingsLayout title={t('common.pages.alternateEmail')} intro={t('security.alternateEmail.intro')}>
      <LoadedContent state={loaded} value={status} notice={message}>
        {(status) => (
          <>
            <p className="status-line">
              {status.address !== null ? (
                <Trans
                  i18nKey={status.verifiedAt !== null ? 'security.alternateEmail.verifiedSince' : 'security.alternateEmail.verifiedStatus'}
                  values={{ address: status.address, ...(status.verifiedAt !== null ? { time: formatTime(status.verifiedAt) } : {}) }}
                  components={{ strong: <strong /> }}
                />
              ) : (
                t('security.alternateEmail.none')
              )}
            </p>
            {pending ? (
              <VerifyCode
                key={pending.address}
                address={pending.address}
                expiresAt={pending.expiresAt}
                onVerified={(next) => {
                  setSentTo(undefined);
                  setMessage(t('security.alternateEmail.verified', { address: next.address ?? pending.address }));
                  void loaded.reload();
                }}
              />
            ) : null}
            <AddAddress
              changing={status.address !== null}
              onSent={(address) => {
                setMessage(undefined);
                setSentTo(address);
                void loaded.reload();
              }}
            />
            {status.address !== null ? (
              <Remove
                onRemoved={async () => {
                  setMessage(t('security.alternateEmail.removed'));
                  await loaded.reload();
                }}
              />
            ) : null}
          </>
        )}
      </LoadedContent>
    </SettingsLayout>
  );
}

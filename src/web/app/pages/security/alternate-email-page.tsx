// Alternate email: the verified address and one being verified, adding or changing it (password, then the mailed code), and removing it.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api.js';
import type { AlternateEmailStatus } from '../../api-types.js';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useLoad } from '../../components/use-load.js';
import { formatTime } from '../../format.js';
import { Trans, useTranslation } from '../../i18n/index.js';

function AddAddress({ changing, onSent }: { changing: boolean; onSent(address: string): void }): ReactElement {
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      const sent = await request<{ address: string; expiresAt: number }>('PUT', '/api/v1/security/alternate-email', { address: address.trim(), password });
      setPassword('');
      setAddress('');
      onSent(sent.address);
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="add-alternate-title">
      <h2 id="add-alternate-title">{changing ? t('security.alternateEmail.changeTitle') : t('security.alternateEmail.addTitle')}</h2>
      <p className="hint">{t('security.alternateEmail.addHint')}</p>
      <TextField label={t('security.alternateEmail.address')} type="email" value={address} onChange={setAddress} autoComplete="email" required maxLength={320} />
      <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.alternateEmail.sendCode')}
      </button>
    </form>
  );
}

function VerifyCode({ address, expiresAt, onVerified }: { address: string; expiresAt: number | null; onVerified(status: AlternateEmailStatus): void }): ReactElement {
  const [code, setCode] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      onVerified(await request<AlternateEmailStatus>('POST', '/api/v1/security/alternate-email/verify', { code: code.replace(/\s+/g, '') }));
      setCode('');
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="verify-alternate-title">
      <h2 id="verify-alternate-title">{t('security.alternateEmail.enterCode')}</h2>
      <p role="status" className="message notice">
        {expiresAt !== null
          ? t('security.alternateEmail.sentUntil', { address, time: formatTime(expiresAt) })
          : t('security.alternateEmail.sent', { address })}
      </p>
      <TextField label={t('security.alternateEmail.code')} value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" required maxLength={32} autoFocus />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.alternateEmail.verify')}
      </button>
    </form>
  );
}

function Remove({ onRemoved }: { onRemoved(): Promise<void> }): ReactElement {
  const [password, setPassword] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', '/api/v1/security/alternate-email/remove', { password });
      setPassword('');
      await onRemoved();
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="remove-alternate-title">
      <h2 id="remove-alternate-title">{t('security.alternateEmail.removeTitle')}</h2>
      <p className="hint">{t('security.alternateEmail.removeHint')}</p>
      <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy} className="danger">
        {t('security.alternateEmail.remove')}
      </button>
    </form>
  );
}

export function AlternateEmailPage(): ReactElement {
  const loaded = useLoad<AlternateEmailStatus>('/api/v1/security/alternate-email');
  /** An address just sent a code (the status is read again too, for its expiry). */
  const [sentTo, setSentTo] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const status = loaded.data;
  const pending = status?.pending ?? (sentTo !== undefined ? { address: sentTo, expiresAt: null } : null);
  const { t } = useTranslation();

  return (
    <SettingsLayout title={t('common.pages.alternateEmail')}>
      <p>{t('security.alternateEmail.intro')}</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      <SuccessMessage>{message}</SuccessMessage>
      {status ? (
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
      ) : loaded.loading ? (
        <p role="status">{t('common.loading')}</p>
      ) : null}
    </SettingsLayout>
  );
}

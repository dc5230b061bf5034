// Two-factor authentication: turn it on (password → QR code and key → code → backup codes and app passwords for mail clients), turn it off, make new backup codes.
import { useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import { request } from '../../api.js';
import type { BackupCodeSet, EnabledTwoFactor, Enrolment, TwoFactorStatus } from '../../api-types.js';
import { BackupCodes } from '../../components/backup-codes.js';
import { ErrorMessage, SuccessMessage, TextField, useAction } from '../../components/form.js';
import { MailClients } from '../../components/mail-clients.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useLoad } from '../../components/use-load.js';
import { formatTime } from '../../format.js';
import { Trans, useTranslation } from '../../i18n/index.js';

/**
 * The QR code comes as SVG text; as a data: image it cannot run script and the page's CSP
 * (img-src 'self' data:) allows it, where inline SVG markup would need the HTML trusted.
 */
function svgDataURL(svg: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

function Requirement({ status }: { status: TwoFactorStatus }): ReactElement | null {
  const { required, graceEndsAt, graceLoginsLeft, mustEnroll } = status.requirement;
  const { t } = useTranslation();
  if (!required || status.enabled) return null;
  return (
    <div className={`message ${mustEnroll ? 'error' : 'warning'}`} role={mustEnroll ? 'alert' : 'note'}>
      <p>{mustEnroll ? t('security.twoFactor.requiredNow') : t('security.twoFactor.requiredSoon')}</p>
      {!mustEnroll && graceEndsAt !== null ? <p>{t('security.twoFactor.requiredFrom', { time: formatTime(graceEndsAt) })}</p> : null}
      {!mustEnroll && graceLoginsLeft !== null ? <p>{t('security.twoFactor.loginsLeft', { left: graceLoginsLeft })}</p> : null}
    </div>
  );
}

function TurnOn({ onEnabled }: { onEnabled(result: EnabledTwoFactor): void }): ReactElement {
  const [password, setPassword] = useState('');
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const [code, setCode] = useState('');
  const action = useAction();
  const { t } = useTranslation();

  function begin(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      setEnrolment(await request<Enrolment>('POST', '/api/v1/security/two-factor/totp', { password }));
      setPassword('');
      setCode('');
    });
  }

  function confirm(event: FormEvent): void {
    event.preventDefault();
    // The answer carries the CSRF token of the renewed session; request() keeps it.
    void action.run(async () => onEnabled(await request<EnabledTwoFactor>('POST', '/api/v1/security/two-factor/totp/confirm', { code: code.trim() })));
  }

  if (!enrolment) {
    return (
      <form onSubmit={begin} aria-labelledby="turn-on-title">
        <h2 id="turn-on-title">{t('security.twoFactor.turnOnTitle')}</h2>
        <p>{t('security.twoFactor.needApp')}</p>
        <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
        <ErrorMessage>{action.error}</ErrorMessage>
        <button type="submit" disabled={action.busy}>
          {t('security.twoFactor.continue')}
        </button>
      </form>
    );
  }
  return (
    <form onSubmit={confirm} aria-labelledby="scan-title">
      <h2 id="scan-title">{t('security.twoFactor.scanTitle')}</h2>
      <p>{t('security.twoFactor.scanIntro')}</p>
      <img className="qr" src={svgDataURL(enrolment.qrSVG)} alt={t('security.twoFactor.qrAlt', { label: enrolment.label })} width={200} height={200} />
      <div className="field">
        <label htmlFor="totp-key">{t('security.twoFactor.manualKey')}</label>
        <input id="totp-key" type="text" readOnly value={enrolment.secret} spellCheck={false} onFocus={(event) => event.target.select()} />
        <p className="hint">{t('security.twoFactor.keyHint', { label: enrolment.label, issuer: enrolment.issuer, time: formatTime(enrolment.expiresAt) })}</p>
      </div>
      <TextField label={t('security.twoFactor.codeFromApp')} value={code} onChange={setCode} autoComplete="one-time-code" inputMode="numeric" required maxLength={64} autoFocus />
      <ErrorMessage>{action.error}</ErrorMessage>
      <div className="actions">
        <button type="submit" disabled={action.busy}>
          {t('security.twoFactor.turnOn')}
        </button>
        <button type="button" className="secondary" onClick={() => setEnrolment(undefined)}>
          {t('security.common.cancel')}
        </button>
      </div>
    </form>
  );
}

function NewBackupCodes({ onCreated }: { onCreated(set: BackupCodeSet): void }): ReactElement {
  const [password, setPassword] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      onCreated(await request<BackupCodeSet>('POST', '/api/v1/security/backup-codes', { password }));
      setPassword('');
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="new-codes-title">
      <h2 id="new-codes-title">{t('security.twoFactor.newCodesTitle')}</h2>
      <p>{t('security.twoFactor.newCodesIntro')}</p>
      <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy}>
        {t('security.twoFactor.makeNewCodes')}
      </button>
    </form>
  );
}

function TurnOff({ onDisabled }: { onDisabled(): Promise<void> }): ReactElement {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const action = useAction();
  const { t } = useTranslation();
  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(async () => {
      await request('POST', '/api/v1/security/two-factor/disable', { password, code: code.trim() });
      setPassword('');
      setCode('');
      await onDisabled();
    });
  }
  return (
    <form onSubmit={submit} aria-labelledby="turn-off-title">
      <h2 id="turn-off-title">{t('security.twoFactor.turnOffTitle')}</h2>
      <p>{t('security.twoFactor.turnOffIntro')}</p>
      <TextField label={t('security.common.accountPassword')} type="password" value={password} onChange={setPassword} autoComplete="current-password" required maxLength={1024} />
      <TextField
        label={t('security.twoFactor.verificationCode')}
        value={code}
        onChange={setCode}
        autoComplete="one-time-code"
        required
        maxLength={64}
        hint={t('security.twoFactor.codeHint')}
      />
      <ErrorMessage>{action.error}</ErrorMessage>
      <button type="submit" disabled={action.busy} className="danger">
        {t('security.twoFactor.turnOff')}
      </button>
    </form>
  );
}

export function TwoFactorPage(): ReactElement {
  const loaded = useLoad<TwoFactorStatus>('/api/v1/security/two-factor');
  const { refresh } = useSession();
  const { t } = useTranslation();
  /** What turning on or a new set handed out: shown once, until the user leaves it. */
  const [enabled, setEnabled] = useState<EnabledTwoFactor | undefined>(undefined);
  const [newSet, setNewSet] = useState<BackupCodeSet | undefined>(undefined);
  const [turnedOff, setTurnedOff] = useState(false);
  const status = loaded.data;

  let body: ReactElement | null = null;
  if (enabled) {
    body = (
      <>
        <SuccessMessage>{t('security.twoFactor.enabled')}</SuccessMessage>
        <BackupCodes set={enabled.backupCodes} />
        <section aria-labelledby="clients-title">
          <h2 id="clients-title">{t('security.twoFactor.clientsTitle')}</h2>
          <p>{t('security.twoFactor.clientsIntro')}</p>
          <MailClients clients={enabled.mailClients} />
        </section>
        <button type="button" onClick={() => setEnabled(undefined)}>
          {t('security.common.done')}
        </button>
      </>
    );
  } else if (status?.enabled) {
    body = (
      <>
        <p className="status-line">
          {status.enabledAt !== null ? (
            <Trans i18nKey="security.twoFactor.statusOnSince" values={{ time: formatTime(status.enabledAt) }} components={{ strong: <strong /> }} />
          ) : (
            <Trans i18nKey="security.twoFactor.statusOn" components={{ strong: <strong /> }} />
          )}
        </p>
        <p>
          {status.backupCodes.createdAt !== null
            ? t('security.twoFactor.backupLeftMade', {
                remaining: status.backupCodes.remaining,
                total: status.backupCodes.total,
                time: formatTime(status.backupCodes.createdAt),
              })
            : t('security.twoFactor.backupLeft', { remaining: status.backupCodes.remaining, total: status.backupCodes.total })}
        </p>
        {status.backupCodes.remind ? (
          <div className="message warning" role="note">
            {t('security.twoFactor.backupRemind')}
          </div>
        ) : null}
        {newSet ? (
          <>
            <BackupCodes set={newSet} />
            <button type="button" onClick={() => setNewSet(undefined)}>
              {t('security.common.done')}
            </button>
          </>
        ) : (
          <NewBackupCodes
            onCreated={(set) => {
              setNewSet(set);
              void loaded.reload();
            }}
          />
        )}
        <TurnOff
          onDisabled={async () => {
            setTurnedOff(true);
            await loaded.reload();
          }}
        />
      </>
    );
  } else if (status) {
    body = (
      <>
        <p className="status-line">
          <Trans i18nKey="security.twoFactor.statusOff" components={{ strong: <strong /> }} />
        </p>
        <SuccessMessage>{turnedOff ? t('security.twoFactor.turnedOff') : undefined}</SuccessMessage>
        <Requirement status={status} />
        <TurnOn
          onEnabled={(result) => {
            setTurnedOff(false);
            setEnabled(result);
            void loaded.reload();
            // The session may have been waiting for this enrolment (auth.require_2fa).
            void refresh();
          }}
        />
      </>
    );
  }

  return (
    <SettingsLayout title={t('common.pages.twoFactor')}>
      <p>{t('security.twoFactor.intro')}</p>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {body ?? (loaded.loading ? <p role="status">{t('common.loading')}</p> : null)}
    </SettingsLayout>
  );
}

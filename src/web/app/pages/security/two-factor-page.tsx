// Two-factor authentication: turn it on (password → QR code and key → code → backup codes and app passwords for mail clients), turn it off, make new backup codes.
import { useState } from 'react';
import type { ReactElement } from 'react';
import type { BackupCodeSet, EnabledTwoFactor, Enrolment, TwoFactorStatus } from '../../../contract/index.js';
import { call } from '../../api.js';
import { BackupCodes } from '../../components/backup-codes.js';
import { ConfirmedForm } from '../../components/confirmed-form.js';
import { ErrorMessage, SuccessMessage } from '../../components/form.js';
import { MailClients } from '../../components/mail-clients.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
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
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const { t } = useTranslation();

  if (!enrolment) {
    return (
      <ConfirmedForm
        heading={{ id: 'turn-on-title', text: t('security.twoFactor.turnOnTitle') }}
        intro={<p>{t('security.twoFactor.needApp')}</p>}
        fields={['password']}
        submit={t('security.twoFactor.continue')}
        onSubmit={async ({ password }) => setEnrolment(await call('POST /api/v1/security/two-factor/totp', { body: { password } }))}
      />
    );
  }
  return (
    <ConfirmedForm
      heading={{ id: 'scan-title', text: t('security.twoFactor.scanTitle') }}
      intro={<p>{t('security.twoFactor.scanIntro')}</p>}
      fields={[{ name: 'code', label: t('security.twoFactor.codeFromApp'), autoComplete: 'one-time-code', inputMode: 'numeric', maxLength: 64 }]}
      autoFocus="code"
      submit={t('security.twoFactor.turnOn')}
      onCancel={() => setEnrolment(undefined)}
      // The answer carries the CSRF token of the renewed session; call() keeps it.
      onSubmit={async ({ code }) => onEnabled(await call('POST /api/v1/security/two-factor/totp/confirm', { body: { code: code.trim() } }))}
    >
      <img className="qr" src={svgDataURL(enrolment.qrSVG)} alt={t('security.twoFactor.qrAlt', { label: enrolment.label })} width={200} height={200} />
      <div className="field">
        <label htmlFor="totp-key">{t('security.twoFactor.manualKey')}</label>
        <input id="totp-key" type="text" readOnly value={enrolment.secret} spellCheck={false} onFocus={(event) => event.target.select()} />
        <p className="hint">{t('security.twoFactor.keyHint', { label: enrolment.label, issuer: enrolment.issuer, time: formatTime(enrolment.expiresAt) })}</p>
      </div>
    </ConfirmedForm>
  );
}

function NewBackupCodes({ onCreated }: { onCreated(set: BackupCodeSet): void }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'new-codes-title', text: t('security.twoFactor.newCodesTitle') }}
      intro={<p>{t('security.twoFactor.newCodesIntro')}</p>}
      fields={['password']}
      submit={t('security.twoFactor.makeNewCodes')}
      onSubmit={async ({ password }) => onCreated(await call('POST /api/v1/security/backup-codes', { body: { password } }))}
    />
  );
}

function TurnOff({ onDisabled }: { onDisabled(): Promise<void> }): ReactElement {
  const { t } = useTranslation();
  return (
    <ConfirmedForm
      heading={{ id: 'turn-off-title', text: t('security.twoFactor.turnOffTitle') }}
      intro={<p>{t('security.twoFactor.turnOffIntro')}</p>}
      fields={['password', { name: 'code', label: t('security.twoFactor.verificationCode'), autoComplete: 'one-time-code', maxLength: 64, hint: t('security.twoFactor.codeHint') }]}
      submit={t('security.twoFactor.turnOff')}
      danger
      onSubmit={async ({ password, code }, clear) => {
        await call('POST /api/v1/security/two-factor/disable', { body: { password, code: code.trim() } });
        clear('password', 'code');
        await onDisabled();
      }}
    />
  );
}

export function TwoFactorPage(): ReactElement {
  const loaded = useAPI('GET /api/v1/security/two-factor');
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
    <SettingsLayout title={t('common.pages.twoFactor')} intro={t('security.twoFactor.intro')}>
      <ErrorMessage>{loaded.error}</ErrorMessage>
      {body ?? (loaded.loading ? <p role="status">{t('common.loading')}</p> : null)}
    </SettingsLayout>
  );
}

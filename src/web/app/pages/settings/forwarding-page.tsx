// Auto-forwarding: the addresses mail is sent on to (added and removed here, at most the server's limit), "Keep a copy in my mailbox", and the personal security code where the administrator requires it; saved with OK.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactElement } from 'react';
import type { ForwardingSettings } from '../../../contract/index.js';
import { call } from '../../api.js';
import { ErrorMessage, FormEnd, TextField, useSaveForm } from '../../components/form.js';
import { LoadedContent } from '../../components/loaded-content.js';
import { useSession } from '../../components/session-context.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useAPI } from '../../components/use-api.js';
import { useTranslation } from '../../i18n/index.js';

/** Enough to catch a typo before the list is saved; the server checks every address properly. */
const LOOKS_LIKE_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function ForwardingPage(): ReactElement {
  const { t } = useTranslation();
  const { session } = useSession();
  const loaded = useAPI('GET /api/v1/settings/forwarding');
  const [settings, setSettings] = useState<ForwardingSettings | undefined>(undefined);
  const [addresses, setAddresses] = useState<string[]>([]);
  const [keepCopy, setKeepCopy] = useState(true);
  const [newAddress, setNewAddress] = useState('');
  const [addError, setAddError] = useState<string | undefined>(undefined);
  const [securityCode, setSecurityCode] = useState('');
  // Shown from the start when the settings say the code guards the list, and also once the server
  // asks for it (the administrator may have turned it on since the page loaded).
  const [codeAsked, setCodeAsked] = useState(false);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (!loaded.data) return;
    setSettings(loaded.data);
    setAddresses(loaded.data.addresses);
    setKeepCopy(loaded.data.keepCopy);
  }, [loaded.data]);

  const codeShown = codeAsked || settings?.securityCodeRequired === true;
  const max = settings?.maxAddresses ?? 0;
  const form = useSaveForm(
    async () => {
      const answer = await call('PUT /api/v1/settings/forwarding', {
        body: { addresses, keepCopy, ...(codeShown && securityCode !== '' ? { securityCode } : {}) },
      });
      setSettings(answer);
      setAddresses(answer.addresses);
      setKeepCopy(answer.keepCopy);
      setSecurityCode('');
      setDirty(false);
    },
    {
      onError: (error) => {
        if (error.code === 'SECURITY_CODE_REQUIRED' || error.code === 'SECURITY_CODE_WRONG') setCodeAsked(true);
        return false;
      },
    },
  );

  function changed(): void {
    form.edited();
    setDirty(true);
  }

  function add(event: FormEvent): void {
    event.preventDefault();
    const address = newAddress.trim().toLowerCase();
    if (!LOOKS_LIKE_ADDRESS.test(address)) return setAddError(t('settings.forwarding.notAnAddress'));
    if (address === session.address.toLowerCase()) return setAddError(t('settings.forwarding.ownAddress'));
    if (addresses.includes(address)) return setAddError(t('settings.forwarding.alreadyListed', { address }));
    if (addresses.length >= max) return setAddError(t('settings.forwarding.tooMany', { max }));
    setAddError(undefined);
    setAddresses([...addresses, address]);
    setNewAddress('');
    changed();
  }

  function remove(address: string): void {
    setAddError(undefined);
    setAddresses(addresses.filter((a) => a !== address));
    changed();
  }

  return (
    <SettingsLayout title={t('common.pages.forwarding')}>
      <LoadedContent state={loaded} value={settings}>
        {() => (
          <>
            <p>{t('settings.forwarding.intro', { address: session.address, max })}</p>
            <form onSubmit={add} aria-label={t('settings.forwarding.addLabel')} noValidate>
              <TextField label={t('settings.forwarding.newAddress')} type="email" value={newAddress} onChange={setNewAddress} autoComplete="off" maxLength={320} />
              <ErrorMessage>{addError}</ErrorMessage>
              <button type="submit" className="secondary">
                {t('settings.forwarding.add')}
              </button>
            </form>
            <form onSubmit={form.submit} aria-label={t('common.pages.forwarding')}>
              {addresses.length === 0 ? (
                <p>{t('settings.forwarding.none')}</p>
              ) : (
                <ul aria-label={t('settings.forwarding.listLabel')} className="forwarding-list">
                  {addresses.map((address) => (
                    <li key={address}>
                      <span>{address}</span>{' '}
                      <button type="button" className="link-button" aria-label={t('settings.forwarding.removeNamed', { address })} onClick={() => remove(address)}>
                        {t('settings.forwarding.remove')}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <label className="checkbox-label">
                <input
                  type="checkbox"
                  checked={keepCopy}
                  onChange={(event) => {
                    setKeepCopy(event.target.checked);
                    changed();
                  }}
                />
                {t('settings.forwarding.keepCopy')}
              </label>
              <p className="hint">{t('settings.forwarding.keepCopyHint')}</p>
              {codeShown ? (
                <TextField
                  label={t('settings.forwarding.securityCode')}
                  type="password"
                  value={securityCode}
                  onChange={setSecurityCode}
                  autoComplete="off"
                  required
                  maxLength={64}
                  hint={t('settings.forwarding.securityCodeHint')}
                />
              ) : null}
              {dirty ? <p className="hint">{t('settings.forwarding.unsaved')}</p> : null}
              <FormEnd action={form.action} success={form.saved ? t('settings.forwarding.saved') : undefined} submit={t('settings.forwarding.ok')} />
            </form>
          </>
        )}
      </LoadedContent>
    </SettingsLayout>
  );
}

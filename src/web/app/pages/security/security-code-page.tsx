// Personal security code: set or change it with the account password; where the administrator turns the mechanism on, it guards password changes and forwarding.
import type { ReactElement } from 'react';
import { call } from '../../api.js';
import { ConfirmedForm } from '../../components/confirmed-form.js';
import { SettingsLayout } from '../../components/settings-layout.js';
import { useTranslation } from '../../i18n/index.js';

export function SecurityCodePage(): ReactElement {
  const { t } = useTranslation();
  return (
    <SettingsLayout title={t('common.pages.securityCode')} intro={t('security.securityCode.intro')}>
      <ConfirmedForm
        label={t('security.securityCode.form')}
        fields={[
          'password',
          { name: 'code', label: t('security.securityCode.code'), type: 'password', autoComplete: 'off', maxLength: 64, hint: t('security.securityCode.codeHint') },
          { name: 'confirm', label: t('security.securityCode.confirm'), type: 'password', autoComplete: 'off', maxLength: 64 },
        ]}
        // Checked here too, so a typo is caught before the password is spent on the throttle.
        check={({ code, confirm }) => (code !== confirm ? t('security.securityCode.mismatch') : undefined)}
        submit={t('security.securityCode.save')}
        success={t('security.securityCode.saved')}
        onSubmit={async ({ password, code }) => call('PUT /api/v1/security/security-code', { body: { password, code } })}
      />
    </SettingsLayout>
  );
}

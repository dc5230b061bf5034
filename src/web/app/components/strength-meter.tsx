// A live meter for a new password under the administrator's strength level: how far along it is, and the rules it still breaks.
import type { ReactElement } from 'react';
import type { PasswordSettings } from '../../contract/index.js';
import { Trans, i18n, useTranslation } from '../i18n/index.js';

type Level = Exclude<PasswordSettings['strength']['level'], 'none'>;
type CharacterClass = 'lowercase' | 'uppercase' | 'digits' | 'symbols';

const LEVEL_NAMES: Record<Level, `security.strength.levels.${Level}`> = {
  medium: 'security.strength.levels.medium',
  strong: 'security.strength.levels.strong',
  very_strong: 'security.strength.levels.very_strong',
};

const CLASSES: ReadonlyArray<{ name: CharacterClass; test: RegExp }> = [
  { name: 'lowercase', test: /\p{Ll}/u },
  { name: 'uppercase', test: /\p{Lu}/u },
  { name: 'digits', test: /\p{Nd}/u },
];

const CLASS_NAMES: Record<CharacterClass, `security.strength.classes.${CharacterClass}`> = {
  lowercase: 'security.strength.classes.lowercase',
  uppercase: 'security.strength.classes.uppercase',
  digits: 'security.strength.classes.digits',
  symbols: 'security.strength.classes.symbols',
};

/**
 * The server's own rules (accounts/password-strength.ts), repeated so the user sees them while
 * typing; the server still judges, and also refuses the most common passwords, which a page cannot
 * know without shipping the list.
 */
export function unmetRules(password: string, strength: PasswordSettings['strength'], address: string): string[] {
  const unmet: string[] = [];
  const length = [...password].length;
  if (length < strength.minLength) unmet.push(i18n.t('security.strength.minLength', { min: strength.minLength, length }));
  const present = new Set<CharacterClass>();
  for (const ch of password) {
    const kind = CLASSES.find((c) => c.test.test(ch))?.name ?? 'symbols';
    present.add(kind);
  }
  if (present.size < strength.classes) {
    const missing = [...CLASSES.map((c) => c.name), 'symbols' as const].filter((name) => !present.has(name));
    const words = missing.map((name) => i18n.t(CLASS_NAMES[name])).join(i18n.t('security.strength.or'));
    unmet.push(i18n.t('security.strength.classesRule', { classes: strength.classes, missing: words }));
  }
  const name = address.slice(0, address.lastIndexOf('@')).toLowerCase();
  if (strength.level !== 'none' && name.length >= 3 && password.toLowerCase().includes(name)) unmet.push(i18n.t('security.strength.noName', { name }));
  return unmet;
}

export function StrengthMeter({ password, strength, address }: { password: string; strength: PasswordSettings['strength']; address: string }): ReactElement | null {
  const { t } = useTranslation();
  // Level "none": no rule is shown to the user.
  if (strength.level === 'none') return null;
  const unmet = unmetRules(password, strength, address);
  const length = Math.min([...password].length, strength.minLength) / strength.minLength;
  const score = password === '' ? 0 : unmet.length === 0 ? 1 : Math.min(0.9, length * 0.6 + 0.1 * (3 - Math.min(unmet.length, 3)));
  return (
    <div className="strength" aria-live="polite">
      <p className="hint">
        <Trans
          i18nKey="security.strength.required"
          values={{ level: t(LEVEL_NAMES[strength.level]), min: strength.minLength, classes: strength.classes }}
          components={{ strong: <strong /> }}
        />
      </p>
      <meter min={0} max={1} low={0.5} high={0.99} optimum={1} value={score} aria-label={t('security.strength.meter')}>
        {Math.round(score * 100)}%
      </meter>
      {password === '' ? null : unmet.length === 0 ? (
        <p className="strength-ok">{t('security.strength.ok')}</p>
      ) : (
        <ul className="unmet" aria-label={t('security.strength.unmet')}>
          {unmet.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

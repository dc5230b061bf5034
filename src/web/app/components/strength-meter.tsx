// A live meter for a new password under the administrator's strength level: how far along it is, and the rules it still breaks.
import type { ReactElement } from 'react';
import type { PasswordSettings } from '../api-types';

const LEVEL_NAMES: Record<PasswordSettings['strength']['level'], string> = { none: '', medium: 'Medium', strong: 'Strong', very_strong: 'Very strong' };

const CLASSES: ReadonlyArray<{ name: string; test: RegExp }> = [
  { name: 'lowercase letters', test: /\p{Ll}/u },
  { name: 'uppercase letters', test: /\p{Lu}/u },
  { name: 'digits', test: /\p{Nd}/u },
];

/**
 * The server's own rules (accounts/password-strength.ts), repeated so the user sees them while
 * typing; the server still judges, and also refuses the most common passwords, which a page cannot
 * know without shipping the list.
 */
export function unmetRules(password: string, strength: PasswordSettings['strength'], address: string): string[] {
  const unmet: string[] = [];
  const length = [...password].length;
  if (length < strength.minLength) unmet.push(`At least ${strength.minLength} characters (${length} so far)`);
  const present = new Set<string>();
  for (const ch of password) {
    const kind = CLASSES.find((c) => c.test.test(ch))?.name ?? 'symbols';
    present.add(kind);
  }
  if (present.size < strength.classes) {
    const missing = [...CLASSES.map((c) => c.name), 'symbols'].filter((name) => !present.has(name));
    unmet.push(`At least ${strength.classes} of lowercase letters, uppercase letters, digits and symbols (add ${missing.join(' or ')})`);
  }
  const name = address.slice(0, address.lastIndexOf('@')).toLowerCase();
  if (strength.level !== 'none' && name.length >= 3 && password.toLowerCase().includes(name)) unmet.push(`Must not contain your account name (${name})`);
  return unmet;
}

export function StrengthMeter({ password, strength, address }: { password: string; strength: PasswordSettings['strength']; address: string }): ReactElement | null {
  // Level "none": no rule is shown to the user (SPEC.md).
  if (strength.level === 'none') return null;
  const unmet = unmetRules(password, strength, address);
  const length = Math.min([...password].length, strength.minLength) / strength.minLength;
  const score = password === '' ? 0 : unmet.length === 0 ? 1 : Math.min(0.9, length * 0.6 + 0.1 * (3 - Math.min(unmet.length, 3)));
  return (
    <div className="strength" aria-live="polite">
      <p className="hint">
        Required strength: <strong>{LEVEL_NAMES[strength.level]}</strong> — at least {strength.minLength} characters and {strength.classes} of lowercase letters, uppercase
        letters, digits and symbols.
      </p>
      <meter min={0} max={1} low={0.5} high={0.99} optimum={1} value={score} aria-label="Password strength">
        {Math.round(score * 100)}%
      </meter>
      {password === '' ? null : unmet.length === 0 ? (
        <p className="strength-ok">Meets the required strength.</p>
      ) : (
        <ul className="unmet" aria-label="Rules not met yet">
          {unmet.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

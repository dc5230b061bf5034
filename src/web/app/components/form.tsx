// Form pieces every page uses: a labelled field, the error and success lines, the end of a form with its buttons, a hook that runs one API action at a time (and one for a form saved with OK), and a button that starts one.
import { useCallback, useId, useState } from 'react';
import type { FormEvent, HTMLAttributes, ReactElement, ReactNode } from 'react';
import { APIError, describeError } from '../api.js';
import { useTranslation } from '../i18n/index.js';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'password' | 'email';
  autoComplete?: string;
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  required?: boolean;
  maxLength?: number;
  autoFocus?: boolean;
  /** A line under the field, read out with it. */
  hint?: ReactNode;
}

export function TextField(props: TextFieldProps): ReactElement {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        required={props.required}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        spellCheck={false}
        aria-describedby={props.hint ? hintId : undefined}
      />
      {props.hint ? (
        <p id={hintId} className="hint">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/** A message line is shown only when it says something. */
function isEmpty(children: ReactNode): boolean {
  return children === undefined || children === null || children === '';
}

export function ErrorMessage({ children }: { children: ReactNode }): ReactElement | null {
  return isEmpty(children) ? null : (
    <div role="alert" className="message error">
      {children}
    </div>
  );
}

export function SuccessMessage({ children }: { children: ReactNode }): ReactElement | null {
  return isEmpty(children) ? null : (
    <p role="status" className="message success">
      {children}
    </p>
  );
}

export interface FormEndProps {
  /** The action the form runs: busy, the submit button cannot be pressed again. */
  action: Action;
  /** Shown in the error line in place of the action's error (a refusal found before anything was sent). */
  refusal?: string;
  /** The success line; nothing when undefined or empty. */
  success?: string;
  submit: string;
  danger?: boolean;
  /** A Cancel button beside the submit button. */
  onCancel?(): void;
}

/** The end of a form: its error line, its success line and its buttons. */
export function FormEnd(props: FormEndProps): ReactElement {
  const { t } = useTranslation();
  const button = (
    <button type="submit" disabled={props.action.busy} className={props.danger ? 'danger' : undefined}>
      {props.submit}
    </button>
  );
  return (
    <>
      <ErrorMessage>{props.refusal ?? props.action.error}</ErrorMessage>
      <SuccessMessage>{props.success}</SuccessMessage>
      {props.onCancel ? (
        <div className="actions">
          {button}
          <button type="button" className="secondary" onClick={props.onCancel}>
            {t('security.common.cancel')}
          </button>
        </div>
      ) : (
        button
      )}
    </>
  );
}

export interface Action {
  busy: boolean;
  error: string | undefined;
  /** Runs the action; an error becomes `error` unless `onError` answers true (handled). */
  run(action: () => Promise<void>, onError?: (error: APIError) => boolean): Promise<void>;
  clear(): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = useCallback(async (action: () => Promise<void>, onError?: (error: APIError) => boolean): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      if (caught instanceof APIError && onError?.(caught)) return;
      // A lost session already took the user to the sign-in page, which says why.
      if (caught instanceof APIError && (caught.code === 'SESSION_TIMED_OUT' || caught.code === 'SIGN_IN_REQUIRED')) return;
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { busy, error, run, clear };
}

export interface SaveForm {
  action: Action;
  /** True from a successful save until the next edit or save: the form shows its saved line. */
  saved: boolean;
  /** Call on every edit: the saved line no longer speaks of what the form shows. */
  edited(): void;
  submit(event: FormEvent): void;
}

/** A settings form saved with OK: one save at a time through `save`, then the saved line. */
export function useSaveForm(save: () => Promise<void>, options: { onError?: (error: APIError) => boolean } = {}): SaveForm {
  const action = useAction();
  const [saved, setSaved] = useState(false);
  function submit(event: FormEvent): void {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await save();
      setSaved(true);
    }, options.onError);
  }
  return { action, saved, edited: () => setSaved(false), submit };
}

export interface ActionButtonProps {
  /** The action the button runs under: busy, it cannot be pressed again; its error line is the caller's. */
  action: Action;
  /** What the button says, and (for a row of a list) the name it is read out with. */
  label: string;
  ariaLabel?: string;
  className?: string;
  run(): Promise<void>;
}

export function ActionButton({ action, label, ariaLabel, className, run }: ActionButtonProps): ReactElement {
  return (
    <button type="button" className={className} disabled={action.busy} aria-label={ariaLabel} onClick={() => void action.run(run)}>
      {label}
    </button>
  );
}

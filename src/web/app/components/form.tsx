// Form pieces every page uses: a labelled field, the error and success lines, a hook that runs one API action at a time, and a button that starts one.
import { useCallback, useId, useState } from 'react';
import type { HTMLAttributes, ReactElement, ReactNode } from 'react';
import { APIError, describeError } from '../api.js';

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

export function ErrorMessage({ children }: { children: ReactNode }): ReactElement | null {
  if (children === undefined || children === null || children === '') return null;
  return (
    <div role="alert" className="message error">
      {children}
    </div>
  );
}

export function SuccessMessage({ children }: { children: ReactNode }): ReactElement | null {
  if (children === undefined || children === null || children === '') return null;
  return (
    <p role="status" className="message success">
      {children}
    </p>
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

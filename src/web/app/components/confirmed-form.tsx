// The form of a change on the security pages, most of them confirmed with the password or a code: its fields, one action at a time, the error or success line, and the buttons.
import { Fragment, useState } from 'react';
import type { FormEvent, ReactElement, ReactNode } from 'react';
import type { APIError } from '../api.js';
import { useTranslation } from '../i18n/index.js';
import type { TextFieldProps } from './form.js';
import { FormEnd, TextField, useAction } from './form.js';

/** A field of the form; `required` unless it says otherwise. */
export interface FieldSpec<N extends string> extends Omit<TextFieldProps, 'value' | 'onChange' | 'autoFocus'> {
  name: N;
  /** What the field holds when the form opens, and again after a success (empty by default). */
  initial?: string;
  /** Shown under the field, from what it holds (a strength meter). */
  after?(value: string): ReactNode;
}

/** The account password, as every confirmed change asks for it. */
export type PasswordField = 'password';

export type Values<N extends string> = Record<N | PasswordField, string>;

export interface ConfirmedFormProps<N extends string> {
  /** The form's heading (an h2 the form is labelled by); without one, `label` names the form. */
  heading?: { id: string; text: string };
  label?: string;
  /** What the form does, before its fields. */
  intro?: ReactNode;
  /** Shown between the intro and the fields (a QR code to scan). */
  children?: ReactNode;
  fields: ReadonlyArray<FieldSpec<N> | PasswordField>;
  /** The field that takes the focus when the form opens. */
  autoFocus?: N | PasswordField;
  submit: string;
  danger?: boolean;
  /** A Cancel button beside the submit button. */
  onCancel?(): void;
  /** A refusal found before anything is sent (a confirmation that differs); shown in place of the server's. */
  check?(values: Values<N>): string | undefined;
  /** Said after a success, until the next submit; from the values sent. */
  success?: string | ((values: Values<N>) => string);
  /** The fields keep what was sent after a success (a setting such as the hint, not a secret). */
  keepValues?: true;
  /** Sees a refusal first; true when it handled it (nothing is shown then). */
  onError?(error: APIError): boolean;
  /**
   * Sends the change; the fields go back to their initial values when it succeeds. `clear` empties
   * some at once (the password once it has been used, whatever happens next).
   */
  onSubmit(values: Values<N>, clear: (...names: Array<N | PasswordField>) => void): Promise<void>;
}

function initialValues<N extends string>(fields: ConfirmedFormProps<N>['fields']): Values<N> {
  return Object.fromEntries(fields.map((field) => (field === 'password' ? ['password', ''] : [field.name, field.initial ?? '']))) as Values<N>;
}

export function ConfirmedForm<N extends string = never>(props: ConfirmedFormProps<N>): ReactElement {
  const { t } = useTranslation();
  const [typed, setValues] = useState<Values<N>>(() => initialValues(props.fields));
  // A field shown later (one the server asked for) starts empty.
  const values = { ...initialValues(props.fields), ...typed };
  const [refusal, setRefusal] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<Values<N> | undefined>(undefined);
  const action = useAction();

  function set(name: N | PasswordField, value: string): void {
    setValues((before) => ({ ...before, [name]: value }));
  }

  function clear(...names: Array<N | PasswordField>): void {
    setValues((before) => ({ ...before, ...Object.fromEntries(names.map((name) => [name, ''])) }));
  }

  function submit(event: FormEvent): void {
    event.preventDefault();
    setDone(undefined);
    const refused = props.check?.(values);
    setRefusal(refused);
    if (refused !== undefined) return;
    const sent = values;
    void action.run(async () => {
      await props.onSubmit(sent, clear);
      if (!props.keepValues) setValues(initialValues(props.fields));
      setDone(sent);
    }, props.onError);
  }

  const success = done && (typeof props.success === 'function' ? props.success(done) : props.success);

  return (
    <form onSubmit={submit} {...(props.heading ? { 'aria-labelledby': props.heading.id } : { 'aria-label': props.label })}>
      {props.heading ? <h2 id={props.heading.id}>{props.heading.text}</h2> : null}
      {props.intro}
      {props.children}
      {props.fields.map((field) => {
        const spec: FieldSpec<N | PasswordField> =
          field === 'password'
            ? { name: 'password', label: t('security.common.accountPassword'), type: 'password', autoComplete: 'current-password', maxLength: 1024 }
            : field;
        const { name, initial: _initial, after, required, ...rest } = spec;
        return (
          <Fragment key={name}>
            <TextField {...rest} required={required ?? true} autoFocus={props.autoFocus === name} value={values[name]} onChange={(value) => set(name, value)} />
            {after?.(values[name])}
          </Fragment>
        );
      })}
      <FormEnd action={action} refusal={refusal} success={success || undefined} submit={props.submit} danger={props.danger} onCancel={props.onCancel} />
    </form>
  );
}

// A subcommand declared in one call: its usage line, the help for its arguments and options, and the work it does with an open app.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { App } from '../app/open-app.js';
import type { GlobalOptions } from './context.js';
import { withApp } from './context.js';

/** An option as commander's option() takes it (flags, description, default), or one built with choices or made mandatory. */
export type OptionSpec = Option | readonly [flags: string, description: string, defaultValue?: string];

export interface CommandSpec {
  /** The name and its arguments as the help shows them: 'add <alias> <account>', 'get [key]'. */
  usage: string;
  description?: string;
  /** What each argument is, in the order of the usage line; the help lists them when any has words. */
  about?: readonly string[];
  options?: readonly OptionSpec[];
  /** Adds --json after the other options: JSON for scripts instead of the text for people. */
  json?: true;
}

/** The options of a command declared with `json`. */
export interface JSONOption {
  json?: boolean;
}

/** Adds the subcommand to `parent`; its action runs `work` with an open app, then the command's arguments and options. */
export function command<A extends unknown[]>(parent: Command, globals: () => GlobalOptions, spec: CommandSpec, work: (app: App, ...args: A) => Promise<void>): Command {
  const [name = '', ...args] = spec.usage.split(' ');
  const sub = parent.command(name);
  args.forEach((arg, i) => sub.argument(arg, spec.about?.[i]));
  for (const option of spec.options ?? []) {
    if (option instanceof Option) sub.addOption(option);
    else sub.option(option[0], option[1], option[2]);
  }
  if (spec.json) sub.option('--json', 'print JSON');
  if (spec.description !== undefined) sub.description(spec.description);
  return sub.action((...given: A) => withApp(globals(), (app) => work(app, ...given)));
}

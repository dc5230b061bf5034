// Writes one bench's generated block into bench/RESULTS.md between its markers, keeping everything written by hand.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS_FILE = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** `name` is the bench's folder (auth, smtp); `section` its heading in RESULTS.md. */
export function writeResultsBlock({ name, section, block }) {
  const begin = `<!-- bench:${name} results begin (written by bench/${name}/${name}-bench.mjs; edit outside the markers) -->`;
  const end = `<!-- bench:${name} results end -->`;
  const generated = `${begin}\n${block.trimEnd()}\n${end}`;
  let text = fs.existsSync(RESULTS_FILE)
    ? fs.readFileSync(RESULTS_FILE, 'utf8')
    : '# Bench results\n\nMeasured on this machine by the benches in this folder; see README.md for how to run each.\n';
  if (text.includes(begin) && text.includes(end)) {
    text = text.slice(0, text.indexOf(begin)) + generated + text.slice(text.indexOf(end) + end.length);
  } else if (text.includes(section)) {
    const at = text.indexOf(section) + section.length;
    text = `${text.slice(0, at)}\n\n${generated}\n${text.slice(at)}`;
  } else {
    text = `${text.trimEnd()}\n\n${section}\n\n${generated}\n`;
  }
  fs.writeFileSync(RESULTS_FILE, text);
}

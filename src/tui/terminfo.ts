/**
 * Terminfo as blessed can read it, and which terminals the TUI can draw on.
 *
 * Why this exists: blessed 0.1.81 parses only the legacy terminfo format (magic 0432, 16-bit
 * numbers). ncurses 6.1 and later compile entries whose numbers do not fit in 16 bits (e.g.
 * `pairs#0x10000` in screen-256color, tmux-256color, xterm-256color) to the extended format
 * (magic 01036, 32-bit numbers). blessed reads those numbers 2 bytes at a time, so every string
 * offset after them is wrong: it then compiles garbage into JavaScript, prints the compiler's
 * source with `console.error` (the `Error on screen-256color.plab_norm: ... var v, stack = []`
 * left on the terminal after quitting) and falls back to its own xterm entry. Reading the entry
 * right is the fix: 32-bit entries are narrowed to the legacy layout before blessed parses them.
 * A capability blessed's compiler still cannot translate (it handles a subset of terminfo's
 * language, e.g. not xterm's `Setulc`) is left out instead of failing the whole entry, and the
 * compiler never writes to the terminal.
 */

import blessed from "blessed";

const LEGACY_MAGIC = 0o432;
const WIDE_MAGIC = 0o1036;

/**
 * A terminfo entry in the legacy layout: returned as is when it already is one (or is not
 * terminfo at all), narrowed when it has 32-bit numbers. Numbers above 32767 become 32767 (what
 * the legacy format can hold; only colour pair counts are that big), -1 (absent) and -2
 * (cancelled) keep their meaning. The sections around the numbers are copied unchanged: each
 * number loses 2 bytes, so the even-byte alignment the format requires stays as it was.
 */
export function legacyTerminfo(data: Buffer): Buffer {
  if (data.length < 12 || data.readUInt16LE(0) !== WIDE_MAGIC) return data;
  const out: Buffer[] = [];
  const header = Buffer.from(data.subarray(0, 12));
  header.writeUInt16LE(LEGACY_MAGIC, 0);
  out.push(header);
  const namesSize = data.readUInt16LE(2);
  const boolCount = data.readUInt16LE(4);
  const numCount = data.readUInt16LE(6);
  const strCount = data.readUInt16LE(8);
  const strTableSize = data.readUInt16LE(10);
  let i = 12;
  // Names and booleans, then the pad byte that puts the numbers on an even offset.
  let end = i + namesSize + boolCount;
  if (end % 2) end++;
  out.push(data.subarray(i, end));
  i = end;
  out.push(narrow(data, i, numCount));
  i += numCount * 4;
  end = i + strCount * 2 + strTableSize;
  if (end % 2) end++;
  out.push(data.subarray(i, Math.min(end, data.length)));
  i = end;
  // The extended section (user-defined capabilities) has the same 32-bit numbers.
  if (i + 10 <= data.length) {
    const extBools = data.readUInt16LE(i);
    const extNums = data.readUInt16LE(i + 2);
    let afterBools = i + 10 + extBools;
    if (afterBools % 2) afterBools++;
    out.push(data.subarray(i, afterBools));
    out.push(narrow(data, afterBools, extNums));
    out.push(data.subarray(afterBools + extNums * 4));
  } else if (i < data.length) out.push(data.subarray(i));
  return Buffer.concat(out);
}

/** `count` 32-bit numbers at `at`, as 16-bit ones. */
function narrow(data: Buffer, at: number, count: number): Buffer {
  const out = Buffer.alloc(count * 2);
  for (let k = 0; k < count; k++) {
    const v = data.readInt32LE(at + k * 4);
    out.writeInt16LE(v < 0 ? Math.max(v, -2) : Math.min(v, 0x7fff), k * 2);
  }
  return out;
}

interface TputPrototype {
  parseTerminfo(this: unknown, data: Buffer, file: string): unknown;
  _compile(this: unknown, info: unknown, key: string, str: unknown): unknown;
  __kdiagTerminfo?: boolean;
}

/**
 * Teaches blessed's terminfo reader (once per process) to read 32-bit entries and to leave out a
 * capability it cannot compile, silently. Called before any blessed screen or Tput is made.
 */
export function fixBlessedTerminfo(): void {
  const proto = (blessed as unknown as { Tput: { prototype: TputPrototype } }).Tput.prototype;
  if (proto.__kdiagTerminfo) return;
  proto.__kdiagTerminfo = true;
  const parse = proto.parseTerminfo;
  proto.parseTerminfo = function (data, file) {
    return parse.call(this, legacyTerminfo(data), file);
  };
  const compile = proto._compile;
  proto._compile = function (info, key, str) {
    // The compiler prints its generated source with console.error before it throws; that text
    // would land on the user's terminal (under the screen, or after quitting).
    const printed = console.error;
    console.error = () => {};
    try {
      return compile.call(this, info, key, str);
    } catch {
      // As blessed does for an absent string capability: it produces nothing.
      return () => "";
    } finally {
      console.error = printed;
    }
  };
}

/**
 * Why the TUI cannot draw on this terminal, or null when it can: no TERM, a terminal with no
 * cursor addressing (TERM=dumb, a hardcopy terminal), or a TERM with no terminfo entry here
 * (blessed would guess xterm, and a wrong guess garbles the screen).
 */
export function terminalProblem(term: string | undefined): string | null {
  if (!term) return "TERM is not set";
  fixBlessedTerminfo();
  const Tput = (blessed as unknown as { Tput: new (o: object) => { error: Error | null; strings: Record<string, unknown>; bools: Record<string, unknown> } }).Tput;
  let tput;
  try {
    tput = new Tput({ terminal: term });
  } catch {
    return `no terminfo entry for TERM=${term} can be read here`;
  }
  if (tput.error) return `no terminfo entry for TERM=${term} on this system`;
  if (tput.bools.hard_copy || !tput.strings.cursor_address || !tput.strings.clear_screen) return `this terminal (TERM=${term}) cannot show a full-screen view`;
  return null;
}

// An example dissector plugin for kdiag: a newline-delimited text protocol (think of a chat
// server or a Redis inline command). It is plain JavaScript on purpose: copy this file, change
// it, and load it with `kdiag --plugin ./my-plugin.js packets capture.pcap` — no build step.
//
// Walkthrough: docs/plugins.md. The types are in `kdiag/plugin` (src/plugins/api.ts).

/** Longest line we keep; a longer one is reported cut, so a binary stream cannot grow memory. */
const MAX_LINE = 4096;

/** @param {Uint8Array} head @returns {"yes" | "no" | "more"} */
function detect(head) {
  // Printable ASCII (plus CR/LF/TAB) up to a newline: that looks like us.
  for (let i = 0; i < head.length && i < 512; i++) {
    const b = head[i];
    if (b === 0x0a) return i > 0 ? "yes" : "no";
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0d;
    if (!printable) return "no";
  }
  return head.length >= 512 ? "no" : "more";
}

/** @param {import("kdiag/plugin").StreamContext} ctx */
function open(ctx) {
  // Per-connection state: the unfinished line of each direction and where it started.
  const pending = {
    c2s: { text: "", first: 0, cut: false },
    s2c: { text: "", first: 0, cut: false },
  };
  const decoder = new TextDecoder("utf-8", { fatal: false });

  /** @param {"c2s" | "s2c"} dir @param {import("kdiag/plugin").PacketRef} at */
  function emitLine(dir, at) {
    const p = pending[dir];
    const line = p.text.replace(/\r$/, "");
    ctx.emit({
      dir,
      ref: { ...at, first: p.first || at.first },
      length: p.text.length + 1,
      // Raw text from the capture: kdiag sanitises it before it reaches a terminal.
      summary: `${dir === "c2s" ? "Request" : "Response"}: ${line.slice(0, 80)}`,
      fields: {
        "textline.line": line,
        "textline.length": line.length,
        "textline.command": dir === "c2s" ? (line.split(" ")[0] ?? "") : null,
      },
      ...(p.cut ? { malformed: `line longer than ${MAX_LINE} bytes` } : {}),
    });
    pending[dir] = { text: "", first: 0, cut: false };
  }

  return {
    /** In-order bytes of one direction; a line may span many calls. */
    data(dir, bytes, at) {
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0x0a) continue;
        append(dir, bytes.subarray(start, i), at);
        emitLine(dir, at);
        start = i + 1;
      }
      if (start < bytes.length) append(dir, bytes.subarray(start), at);
    },
    /** Bytes never captured: the unfinished line is lost; start afresh at the next newline. */
    gap(dir) {
      pending[dir] = { text: "", first: 0, cut: false };
    },
    close() {},
  };

  function append(dir, bytes, at) {
    const p = pending[dir];
    if (p.first === 0) p.first = at.first;
    if (p.text.length + bytes.length > MAX_LINE) {
      p.cut = true;
      bytes = bytes.subarray(0, Math.max(0, MAX_LINE - p.text.length));
    }
    // Views are only valid during the call: decoding to a string copies what we keep.
    p.text += decoder.decode(bytes);
  }
}

/** @type {import("kdiag/plugin").DissectorPlugin} */
export default {
  apiVersion: 1,
  name: "textline",
  // What one line is called in each direction: trees show "textline request: …".
  messages: { c2s: "request", s2c: "response" },
  description: "Example: newline-delimited text protocol (one PDU per line)",
  layer: "stream",
  ports: [7777],
  detect,
  fields: [
    { name: "textline.line", type: "string", description: "The line, without its line ending" },
    { name: "textline.length", type: "uint", unit: "characters", description: "Length of the line in characters" },
    { name: "textline.command", type: "string", description: "First word of a client line" },
  ],
  open,
};

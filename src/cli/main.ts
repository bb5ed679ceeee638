/**
 * The kdiag command line. Every user mistake (bad option, missing file, broken plugin, corrupt
 * capture) ends in one line on stderr and a documented exit code, never a stack trace.
 */

import { Command, CommanderError, Option } from "commander";
import { formatProblem, isUnusable } from "../capture/read.js";
import { analyseCapture, type AnalyseOptions } from "../model/analyse.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import { PluginError, TLS_RECORD_PDUS, type Registry } from "../plugins/registry.js";
import { openSession, type RuledSession, type Session } from "../session/open.js";
import { flowsJsonItems, flowsLines } from "../report/flows.js";
import { exchangeJsonItems, exchangeLines, exchangeStatsJson, exchangeStatsText, selectProtocols } from "../report/exchanges.js";
import { kafkaJsonItems, kafkaLines, kafkaStatsJson, kafkaStatsText } from "../report/kafka.js";
import { packetRows, packetText, StreamingPacketRows } from "../report/packets.js";
import { sanitize } from "../report/sanitize.js";
import type { AnalyzeOptions, RuleOptions } from "./analyze.js";
import type { LiveOptions, WatchOptions } from "./watch.js";
import { RuleUsageError, UsageError } from "./errors.js";
import { compileFilterOption, connectionPredicate, exchangePredicate, packetPredicate } from "./filter-option.js";
import { ExitCode } from "../exit-codes.js";

import { TLS_NOT_DECRYPTED } from "../plugins/builtin.js";
import { readKeyLogOption } from "./keylog-option.js";
import { Output } from "./output.js";
import { captureFiles, captureLabel, eachCapture, mergeNote } from "./capture-args.js";
import { rememberArgv } from "./separate-workers.js";
import { keepConnectionsError, parseKeepConnections, parseWindow } from "../live/window.js";


interface GlobalOptions {
  plugin: string[];
  decodeAs: string[];
  kafkaPort: string[];
  tlsKeylog?: string;
  showSecrets?: boolean;
}

const MAX_WARNINGS = 10;

const FILES_HELP = "capture files (pcap, pcapng, optionally gzip-compressed) or directories of them, read as one capture merged by time; or - for standard input";
const SEPARATE_HELP = "analyse each file on its own instead of merging them, output per file";
const JOBS_HELP = "with --separate: analyse up to N files at once, each on a worker thread (default: the CPU count; 1: one after the other); listings without --stats stream one file after the other";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --decode-as and --kafka-port, checked (a usage error names the bad one): one parser for every command. */
function portOptions(opts: GlobalOptions): { decodeAs: Array<{ port: number; dissector: string }>; kafkaPorts: number[] } {
  const decodeAs = opts.decodeAs.map((spec) => {
    const m = /^(\d{1,5})=([a-z][a-z0-9_]*)$/.exec(spec);
    const port = m ? Number(m[1]) : NaN;
    if (!m || port < 1 || port > 65535) throw new UsageError(`--decode-as ${spec}: expected PORT=DISSECTOR, e.g. 36333=kafka`);
    return { port, dissector: m[2]! };
  });
  const kafkaPorts = opts.kafkaPort.map((spec) => {
    const port = /^\d{1,5}$/.test(spec) ? Number(spec) : NaN;
    if (!(port >= 1 && port <= 65535)) throw new UsageError(`--kafka-port ${spec}: expected a TCP port number`);
    return port;
  });
  return { decodeAs, kafkaPorts };
}

/**
 * The run's session (src/session/open.ts): dissectors (built-in, then --plugin, port mappings, the
 * TLS key log), the fact schema made from their fields, and, when `rules` is given, the rules
 * compiled against it. Every command opens it first; the caller reports rule problems its own way.
 */
async function openRun(opts: GlobalOptions, out: Output, rules?: RuleOptions): Promise<Session> {
  const { decodeAs, kafkaPorts } = portOptions(opts);
  const tlsKeyLog = opts.tlsKeylog !== undefined ? await readKeyLogOption(opts.tlsKeylog, (line) => out.warn(line)) : undefined;
  const params = rules ? (await loadAnalyze()).parseParams(rules.param) : {};
  return openSession({
    plugins: opts.plugin,
    decodeAs,
    kafkaPorts,
    ...(tlsKeyLog ? { tlsKeyLog } : {}),
    ...(opts.showSecrets === true ? { showSecrets: true } : {}),
    ...(rules ? { rules: { files: rules.rules, builtin: rules.builtin, params } } : {}),
  });
}

/** A session without rules, for the commands that only dissect (flows, packets, kafka, fields). */
async function buildRegistry(opts: GlobalOptions, out: Output): Promise<Registry> {
  return (await openRun(opts, out)).registry;
}

/** A session with rules whose problems are printed (file:line:col) and set exit code 5. */
async function openRunWithRules(opts: GlobalOptions, out: Output, rules: RuleOptions): Promise<RuledSession> {
  const session = await openRun(opts, out, rules);
  (await loadAnalyze()).reportRuleProblems(session.rules!, out);
  return { registry: session.registry, rules: session.rules! };
}

/** Reads and analyses the capture; reports problems; returns null when there is nothing to show. */
async function analyse(
  files: string[],
  registry: Registry,
  out: Output,
  how: { identifyOnly?: boolean; onProgress?: (packets: number, bytes: number) => void; onPacket?: AnalyseOptions["onPacket"] } = {},
): Promise<AnalysedCapture | null> {
  const capture = await analyseCapture(files, {
    registry,
    identifyOnly: how.identifyOnly ?? false,
    ...(how.onProgress ? { onProgress: how.onProgress } : {}),
    ...(how.onPacket ? { onPacket: how.onPacket } : {}),
  });
  const fatal = capture.summary.problems.find((p) => p.fatal);
  if (fatal && isUnusable(fatal)) {
    out.error(formatProblem(fatal));
    out.exitCode = ExitCode.INPUT_UNUSABLE;
    return null;
  }
  mergeNote(capture, out);
  const file = capture.file;
  const warnings = capture.summary.problems.filter((p) => !p.fatal).map(formatProblem);
  // A dissector that failed on a connection is worth a line: its messages there are missing.
  // So is a TLS connection --tls-keylog could not decrypt: its Kafka is missing.
  for (const n of capture.notes) {
    if (n.severity === "error" || n.message.startsWith(TLS_NOT_DECRYPTED)) warnings.push(`${file}: packet ${n.packet}: ${sanitize(n.message)}`);
  }
  for (const w of warnings.slice(0, MAX_WARNINGS)) out.warn(w);
  if (warnings.length > MAX_WARNINGS) out.warn(`${file}: ${warnings.length - MAX_WARNINGS} more warnings not shown`);
  return capture;
}

/** After the results: a damaged capture is said last, so it is the line a user sees. */
function reportDamage(capture: AnalysedCapture, out: Output): void {
  const fatal = capture.summary.problems.find((p) => p.fatal);
  if (!fatal) return;
  // In a merged capture a damaged file stops only that file: the others were read to their end.
  const partial = capture.parts ? capture.parts.find((p) => p.summary.problems.includes(fatal)) : undefined;
  const cover = partial
    ? `(read up to there in that file: its packets before it are in the ${capture.packets.count} merged packets)`
    : `(results cover the ${capture.packets.count} packets before it)`;
  out.error(`${formatProblem(fatal)} ${cover}`);
  out.exitCode = ExitCode.INPUT_DAMAGED;
}

async function flowsCommand(files: string[], cmdOpts: { json?: boolean; filter?: string }, opts: GlobalOptions, out: Output) {
  const registry = await buildRegistry(opts, out);
  const filter = cmdOpts.filter !== undefined ? compileFilterOption("connection", cmdOpts.filter) : null;
  // The connection table needs to know which protocol a connection speaks, not its messages
  // (a filter may ask about them: then they are decoded, and "malformed" in JSON is known).
  const capture = await analyse(files, registry, out, { identifyOnly: filter === null || filter.matchAll });
  if (!capture) return;
  const keep = filter && !filter.matchAll ? connectionPredicate(capture, filter) : undefined;
  if (cmdOpts.json) {
    await out.jsonArray("connections", flowsJsonItems(capture, keep));
  } else {
    out.line(captureHeadline(capture));
    if (capture.connections.length > 0) await out.lines(flowsLines(capture, keep));
  }
  capture.bytes.close();
  reportDamage(capture, out);
}

async function packetsCommand(files: string[], cmdOpts: { json?: boolean; filter?: string }, opts: GlobalOptions, out: Output) {
  const registry = await buildRegistry(opts, out);
  const filter = cmdOpts.filter !== undefined ? compileFilterOption("packet", cmdOpts.filter) : null;
  if (filter && !filter.matchAll) {
    // A filter may read what only the end of the pass knows (conn.*, a response's request):
    // rows are printed after it, with their original packet numbers, as tshark -Y does.
    const capture = await analyse(files, registry, out);
    if (!capture) return;
    const keep = packetPredicate(capture, filter);
    if (cmdOpts.json) await out.jsonArray("packets", packetRows(capture, keep));
    else {
      const first = capture.packets.count > 0 ? capture.packets.firstTsUs / 1e6 : 0;
      await out.lines((function* () {
        for (const row of packetRows(capture, keep)) yield packetText(row, first);
      })());
    }
    capture.bytes.close();
    reportDamage(capture, out);
    return;
  }
  if (cmdOpts.json) {
    // JSON carries each packet's direction, which a dissector may still turn round at the end of
    // the pass (roles of a connection caught mid-stream): printed after it, reading bytes back.
    const capture = await analyse(files, registry, out);
    if (!capture) return;
    await out.jsonArray("packets", packetRows(capture));
    capture.bytes.close();
    reportDamage(capture, out);
    return;
  }
  // Text: printed during the one pass, so `| head` answers at once and nothing is decoded twice.
  let first = 0;
  const rows = new StreamingPacketRows((row) => out.lineNow(packetText(row, first)));
  const capture = await analyse(files, registry, out, {
    onPacket: (index, pkt, so, frame) => {
      if (index === 0) first = so.packets.firstTsUs / 1e6;
      rows.packet(index, pkt, so, frame);
    },
  });
  if (!capture) return;
  rows.end();
  capture.bytes.close();
  reportDamage(capture, out);
}

/** What `kafka` and `exchanges` print: rows (text or JSON) or stats, of the capture's exchanges. */
interface ExchangeView {
  statsJson(capture: AnalysedCapture): unknown;
  statsText(capture: AnalysedCapture): string;
  items(capture: AnalysedCapture, keep?: (index: number) => boolean): Iterable<unknown>;
  lines(capture: AnalysedCapture, keep?: (index: number) => boolean): Iterable<string>;
}

const KAFKA_VIEW: ExchangeView = { statsJson: kafkaStatsJson, statsText: kafkaStatsText, items: kafkaJsonItems, lines: kafkaLines };

/** `exchanges`: the view of the protocols `--protocol` selects, known once the registry (and its plugins) is. */
function protocolView(protocol: string | undefined): ExchangeView {
  const protocols = selectProtocols(protocol);
  if (!Array.isArray(protocols)) throw new UsageError(`--protocol ${protocols.unknown}: no stream dissector of that name is loaded (loaded: ${protocols.loaded.join(", ")}; a plugin's with --plugin)`);
  return {
    statsJson: (c) => exchangeStatsJson(c, protocols),
    statsText: (c) => exchangeStatsText(c, protocols),
    items: (c, keep) => exchangeJsonItems(c, protocols, keep),
    lines: (c, keep) => exchangeLines(c, protocols, keep),
  };
}

async function exchangesCommand(files: string[], cmdOpts: { json?: boolean; stats?: boolean; filter?: string; protocol?: string }, opts: GlobalOptions, out: Output, kafkaOnly: boolean) {
  const registry = await buildRegistry(opts, out);
  const view = kafkaOnly ? KAFKA_VIEW : protocolView(cmdOpts.protocol);
  const filter = cmdOpts.filter !== undefined ? compileFilterOption("exchange", cmdOpts.filter) : null;
  if (filter && cmdOpts.stats) throw new UsageError("-Y filters the exchange rows; it does not apply to --stats");
  // These views show exchanges, never a TLS record: decrypted records need not be stored as
  // messages. A filter may read connection facts made from them (conn.*: the TLS handshake's).
  if (!filter || filter.matchAll) registry.preferences.set(TLS_RECORD_PDUS, false);
  const capture = await analyse(files, registry, out);
  if (!capture) return;
  const keep = filter && !filter.matchAll ? exchangePredicate(capture, filter) : undefined;
  if (cmdOpts.stats) {
    if (cmdOpts.json) out.json(view.statsJson(capture));
    else out.line(view.statsText(capture));
  } else if (cmdOpts.json) {
    await out.jsonArray("exchanges", view.items(capture, keep));
  } else {
    await out.lines(view.lines(capture, keep));
  }
  capture.bytes.close();
  reportDamage(capture, out);
}

/** The rules engine, Ink and the TUI load only for the commands that use them: flows starts fast. */
const loadAnalyze = () => import("./analyze.js");
const loadWatch = () => import("./watch.js");

/** `kdiag analyze -i IFACE` (or no file at all): a live capture, analysed when it ends (src/cli/watch.ts). */
async function liveAnalyze(files: string[], cmdOpts: AnalyzeOptions & LiveOptions, opts: GlobalOptions, out: Output) {
  if (files.length > 0) throw new UsageError(`give capture files or -i INTERFACE, not both (${files.join(" ")}, -i ${cmdOpts.interface})`);
  const { liveAnalyzeCommand } = await loadWatch();
  return liveAnalyzeCommand(cmdOpts, () => openRunWithRules(opts, out, cmdOpts), out);
}

async function analyzeCommand(files: string[], cmdOpts: AnalyzeOptions, opts: GlobalOptions, out: Output) {
  const { checkFailOn, checkFormat, evaluate, reportFindings } = await loadAnalyze();
  checkFormat(cmdOpts);
  checkFailOn(cmdOpts.failOn);
  const { registry, rules } = await openRunWithRules(opts, out, cmdOpts);
  // On a terminal: Ink progress while reading, then the summary; piped: plain text.
  const ink =
    out.isTerminal() && checkFormat(cmdOpts) === "text"
      ? (await import("./interactive.js")).startInteractive(files.length === 1 ? files[0]! : `${files[0]} (+${files.length - 1} files)`, process.stdout)
      : null;
  let capture: AnalysedCapture | null;
  try {
    capture = await analyse(files, registry, out, ink ? { onProgress: (p, b) => ink.progress(p, b) } : {});
  } catch (err) {
    ink?.abort();
    throw err;
  }
  if (!capture) {
    ink?.abort();
    return;
  }
  const findings = evaluate(rules, capture, out);
  if (ink) {
    ink.done(findings);
    reportFindings(capture.file, capture, findings, cmdOpts, out, undefined, true);
  } else {
    reportFindings(capture.file, capture, findings, cmdOpts, out, process.stdout.columns);
  }
  capture.bytes.close();
  reportDamage(capture, out);
}

async function compareCommand(clientFile: string, serverFile: string, cmdOpts: AnalyzeOptions, opts: GlobalOptions, out: Output) {
  const { checkFailOn, checkFormat, evaluate, reportFindings } = await loadAnalyze();
  checkFormat(cmdOpts);
  checkFailOn(cmdOpts.failOn);
  const { registry, rules } = await openRunWithRules(opts, out, cmdOpts);
  const clientSide = await analyse([clientFile], registry, out);
  if (!clientSide) return;
  const serverSide = await analyse([serverFile], registry, out);
  if (!serverSide) return;
  // Findings of each capture on its own, then those that need both (pair scope).
  const findings = evaluate(rules, clientSide, out, { clientSide, serverSide });
  reportFindings(clientFile, clientSide, findings, cmdOpts, out, process.stdout.columns);
  clientSide.bytes.close();
  serverSide.bytes.close();
  reportDamage(clientSide, out);
  reportDamage(serverSide, out);
}

async function rulesCommand(cmdOpts: RuleOptions & { json?: boolean }, opts: GlobalOptions, out: Output) {
  // Rules are checked against the loaded plugins' fields too.
  const { rules: result } = await openRunWithRules(opts, out, cmdOpts);
  const rows = result.rules.map((r) => ({
    rule: r.id,
    severity: r.severity,
    scope: r.scope,
    enabled: r.enabled,
    title: r.title,
    file: r.file,
  }));
  if (cmdOpts.json) {
    out.json({ rules: rows, problems: result.problems });
    return;
  }
  for (const r of rows) {
    out.line(`${r.rule.padEnd(28)} ${r.severity.padEnd(8)} ${r.scope.padEnd(10)} ${r.enabled ? "" : "(disabled) "}${r.title}`);
  }
  out.line(`${rows.length} rules loaded, ${result.problems.filter((p) => p.severity === "error").length} errors, ${result.problems.filter((p) => p.severity === "warning").length} warnings`);
}

/**
 * `rules` declares the same options as its subcommands, and commander gives them to `rules`
 * wherever they are written: read them from both, or `rules test --param x=1 f.yaml` ignores --param.
 */
function withParentRuleOptions<T extends RuleOptions & { json?: boolean }>(o: T, cmd: Command): T {
  const parent = (cmd.parent?.opts() ?? {}) as Partial<RuleOptions> & { json?: boolean };
  return {
    ...o,
    rules: [...(parent.rules ?? []), ...o.rules],
    param: [...(parent.param ?? []), ...o.param],
    builtin: o.builtin && parent.builtin !== false,
    ...(o.json || parent.json ? { json: true } : {}),
  };
}

/**
 * `kdiag rules test FILE…`: runs the `- test:` items of the rule files (with the built-in rules
 * unless --no-builtin), each on its capture with its params; PASS/FAIL per test, exit 7 on a FAIL.
 */
async function rulesTestCommand(files: string[], cmdOpts: RuleOptions, opts: GlobalOptions, out: Output) {
  const { evaluate } = await loadAnalyze();
  const { checkExpectations } = await import("../rules/test-runner.js");
  // Loaded once as given, to report the files' problems and find their tests.
  const { rules: declared } = await openRunWithRules(opts, out, { ...cmdOpts, rules: [...cmdOpts.rules, ...files], builtin: false });
  const tests = declared.tests.filter((t) => files.some((f) => t.file === f || t.file.startsWith(`${f.replace(/\/$/, "")}/`)));
  if (tests.length === 0) {
    out.error(`no tests in ${files.map((f) => sanitize(f)).join(", ")}: add "- test:" items (docs/rules.md, Rule tests)`);
    out.exitCode = Math.max(out.exitCode, ExitCode.RULE_TESTS_FAILED);
    return;
  }
  let failed = 0;
  for (const t of tests) {
    // Each test its own session: its kafka_ports and params (after --param, so the test's win).
    const testParams = Object.entries(t.decl.params ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    // A test's key log (tls_keylog) decrypts its capture; it replaces --tls-keylog for that test.
    const testOpts = {
      ...opts,
      kafkaPort: [...opts.kafkaPort, ...(t.decl.kafka_ports ?? []).map(String)],
      ...(t.tlsKeylog !== undefined ? { tlsKeylog: t.tlsKeylog } : {}),
    };
    const { registry, rules: loaded } = await openRun(testOpts, out, {
      ...cmdOpts,
      rules: [...cmdOpts.rules, ...files],
      param: [...cmdOpts.param, ...testParams],
    });
    const where = `${sanitize(t.file)}:${t.line} ${sanitize(t.decl.test)}`;
    const capture = await analyseCapture(t.capture, { registry });
    const fatal = capture.summary.problems.find((p) => p.fatal);
    if (fatal && isUnusable(fatal)) {
      failed++;
      out.line(`FAIL ${where}`);
      out.line(`  - ${formatProblem(fatal)}`);
      continue;
    }
    const findings = evaluate(loaded!, capture, out);
    capture.bytes.close();
    const r = checkExpectations(t, findings);
    if (r.passed) out.line(`PASS ${where} (${findings.length} finding${findings.length === 1 ? "" : "s"})`);
    else {
      failed++;
      out.line(`FAIL ${where}`);
      for (const f of r.failures) out.line(`  - ${sanitize(f)}`);
    }
  }
  out.line(`${tests.length} test${tests.length === 1 ? "" : "s"}, ${tests.length - failed} passed, ${failed} failed`);
  if (failed > 0) out.exitCode = Math.max(out.exitCode, ExitCode.RULE_TESTS_FAILED);
}

async function watchCommand(file: string | undefined, cmdOpts: WatchOptions, opts: GlobalOptions, out: Output) {
  const { watchCommand: run } = await loadWatch();
  await run(file, cmdOpts, () => openRunWithRules(opts, out, cmdOpts), out);
}

/**
 * `kdiag rules lint FILE…`: every problem of the rule files in one run, each at file:line:col with
 * its source line, then a count; exit 5 when there is an error (for a CI job or an editor).
 * The built-in rules are loaded too (their macros and lists are shared) unless --no-builtin.
 */
async function rulesLintCommand(files: string[], cmdOpts: RuleOptions & { json?: boolean }, opts: GlobalOptions, out: Output) {
  const { formatProblem } = await import("../rules/index.js");
  // Lint prints the problems its own way (every one, then a count).
  const { rules } = await openRun(opts, out, { ...cmdOpts, rules: [...cmdOpts.rules, ...files] });
  const result = rules!;
  const errors = result.problems.filter((p) => p.severity === "error").length;
  const warnings = result.problems.length - errors;
  if (cmdOpts.json) out.json({ problems: result.problems, errors, warnings });
  else {
    // Multi-line (the problem, its source line, a caret): the CLI's output sanitising escapes the rest.
    for (const p of result.problems) out.line(formatProblem(p, { snippet: true }));
    const n = files.length;
    out.line(`${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} in ${n} file${n === 1 ? "" : "s"} (${result.rules.length} rules loaded)`);
  }
  if (errors > 0) out.exitCode = Math.max(out.exitCode, ExitCode.RULE_ERRORS);
}

/**
 * The names filters and rules accept: kdiag's own facts and every loaded dissector's fields
 * (--plugin included), then Wireshark's aliases, then the expert notes the dissectors declare.
 */
async function fieldsCommand(registry: Registry, out: Output) {
  const { allFacts } = await import("../facts/schema.js");
  const facts = allFacts();
  const known = new Set(facts.map((f) => f.name));
  out.line("Usable in rule conditions, the TUI filter and -Y (docs/rules.md says which scope has which):");
  for (const f of facts) out.line(`${f.name.padEnd(44)} ${f.type.padEnd(7)} ${sanitize(f.description)}${f.unit ? ` [${sanitize(f.unit)}]` : ""}`);
  // Wireshark's names that stand for facts above (docs/filters.md), in a display filter.
  const { displayFilterAliases } = await import("../filter/fields.js");
  out.line("");
  out.line("Also in display filters (TUI filter, -Y), as Wireshark names them:");
  const aliases = displayFilterAliases();
  for (const a of aliases.filter((x) => x.kind !== "protocol")) out.line(`${a.name.padEnd(44)} ${a.kind.padEnd(7)} ${a.description}`);
  out.line(`Protocols, alone a test that the packet carries them: ${aliases.filter((x) => x.kind === "protocol").map((x) => sanitize(x.name)).join(" ")}`);
  // A segment-layer plugin's fields are not facts (only TCP's, which kdiag computes itself).
  const others = registry.fields().filter((f) => !known.has(f.name));
  if (others.length > 0) {
    out.line("");
    out.line("Other dissector fields (in packets --json only):");
    for (const f of others) out.line(`${f.name.padEnd(44)} ${f.type.padEnd(7)} ${sanitize(f.description)}`);
  }
  const expert = registry.list().flatMap((r) => r.plugin.expert ?? []);
  if (expert.length > 0) {
    out.line("");
    out.line("Expert notes the dissectors may report:");
    for (const e of expert) out.line(`${e.name.padEnd(44)} ${e.severity.padEnd(7)} ${sanitize(e.description)}`);
  }
}

function captureHeadline(capture: AnalysedCapture): string {
  const s = capture.summary;
  const n = capture.packets.count;
  const span = n > 1 ? (capture.packets.tsAt(n - 1) - capture.packets.firstTsUs) / 1e6 : 0;
  const skipped = capture.decode.nonIp + capture.decode.nonTcp;
  return (
    `${captureLabel(capture)}: ${s.format ?? "?"}${s.gzip ? " (gzip)" : ""}, ${plural(n, "packet")} over ${span.toFixed(3)}s, ` +
    plural(capture.connections.length, "TCP connection") +
    (skipped > 0 ? `, ${skipped} non-TCP packets skipped` : "")
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function buildProgram(out: Output): Command {
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const program = new Command("kdiag")
    .description("Diagnose Kafka network problems from packet captures (pcap, pcapng, gzip, or - for stdin)")
    .addOption(new Option("--plugin <file>", "load a dissector plugin from FILE (repeatable)").argParser(collect).default([]))
    .addOption(
      new Option("--decode-as <port=name>", "decode TCP port PORT with dissector NAME (repeatable)").argParser(collect).default([]),
    )
    .addOption(
      new Option("--kafka-port <port>", "also decode TCP port PORT as Kafka (9092 is the default; repeatable)")
        .argParser(collect)
        .default([]),
    )
    .addOption(new Option("--tls-keylog <file>", "decrypt TLS with the secrets of key log FILE (SSLKEYLOGFILE format) and decode the Kafka inside"))
    .addOption(new Option("--show-secrets", "show SASL passwords, SCRAM proofs and OAUTHBEARER tokens decoded from the capture (masked everywhere otherwise: text, --json, TUI, evidence pcaps)"))
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => out.raw(s),
      writeErr: (s) => out.rawErr(s),
    })
    .exitOverride();

  program
    .command("flows")
    .description("one row per TCP connection: endpoints, roles, timing, volumes, how it ended, analysis events")
    .argument("<files...>", FILES_HELP)
    .option("--json", 'print {"connections": [...]} (stable, snake_case keys)')
    .option("--separate", SEPARATE_HELP)
    .option("--jobs <n>", JOBS_HELP)
    .option("-Y, --filter <filter>", "only the connections the filter keeps: a Wireshark display filter (ip.addr == 10.0.0.0/8 && tcp.port == 9092) or a CEL condition over conn.* (kdiag fields)")
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag flows capture.pcap\n  kdiag flows -Y 'ip.addr == 10.1.0.0/16 && conn.close_how == \"rst\"' capture.pcap\n  kdiag flows --json capture.pcapng.gz | jq '.connections[] | select(.close.how == \"rst\")'\n  tcpdump -i any -w - port 9092 | kdiag flows -",
    )
    .action((files: string[], o: { json?: boolean; filter?: string; separate?: boolean; jobs?: string }) =>
      eachCapture(files, o.separate, o.json === true, out, (f) => flowsCommand(f, o, globals(), out), o.jobs),
    );

  program
    .command("packets")
    .description("one summary line per packet, like tshark")
    .argument("<files...>", FILES_HELP)
    .option("--json", 'print {"packets": [...]} (stable, snake_case keys)')
    .option("--separate", SEPARATE_HELP)
    .option("-Y, --filter <filter>", "only the packets the filter keeps, with their original numbers (as tshark -Y): a Wireshark display filter or a CEL condition (kdiag fields)")
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag packets capture.pcap | less\n  kdiag packets -Y 'tcp.flags.reset == 1 or kafka.error > 0' capture.pcap\n  kdiag packets -Y 'ip.ttl != 64 and tcp.port == 9092' capture.pcap\n  kdiag packets --json capture.pcap > packets.json",
    )
    .action((files: string[], o: { json?: boolean; filter?: string; separate?: boolean; jobs?: string }) =>
      // A listing streams (a reader such as head or less wants its first lines at once): one file after the other.
      eachCapture(files, o.separate, o.json === true, out, (f) => packetsCommand(f, o, globals(), out), "1"),
    );

  program
    .command("kafka")
    .description("one row per Kafka request/response: API, version, client id, topics, sizes, latency, errors")
    .argument("<files...>", FILES_HELP)
    .option("--json", 'print {"exchanges": [...]} (stable, snake_case keys)')
    .option("--separate", SEPARATE_HELP)
    .option("--jobs <n>", JOBS_HELP)
    .option("--stats", "latency percentiles, bytes and errors per API and per client id")
    .option("-Y, --filter <filter>", "only the exchanges the filter keeps: a Wireshark display filter over kafka.* (kafka.api_key == 0 && kafka.error > 0) or a CEL condition over exchange.*, kafka.*, conn.* (kdiag fields)")
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag kafka capture.pcap\n  kdiag kafka --stats capture.pcap\n  kdiag --kafka-port 36333 kafka --json capture.pcap | jq '.exchanges[] | select(.errors | length > 0)'",
    )
    .action((files: string[], o: { json?: boolean; stats?: boolean; filter?: string; separate?: boolean; jobs?: string }) =>
      eachCapture(files, o.separate, o.json === true, out, (f) => exchangesCommand(f, o, globals(), out, true), o.stats ? o.jobs : "1"),
    );

  program
    .command("exchanges")
    .description("one row per request/response of any protocol (Kafka, a --plugin's): operation, client, sizes, latency, errors")
    .argument("<files...>", FILES_HELP)
    .option("--protocol <name>", "only this dissector's exchanges (kafka, or a plugin's name); default: every protocol's")
    .option("--json", 'print {"exchanges": [...]} (stable, snake_case keys; each with its protocol\'s fields)')
    .option("--separate", SEPARATE_HELP)
    .option("--jobs <n>", JOBS_HELP)
    .option("--stats", "latency percentiles, bytes and errors per operation and per client id (the fields each protocol declares)")
    .option("-Y, --filter <filter>", "only the exchanges the filter keeps: a Wireshark display filter or a CEL condition over exchange.*, conn.* and the protocols' fields (kdiag fields)")
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag --plugin resp.js exchanges --protocol resp capture.pcap\n  kdiag --plugin resp.js exchanges --stats capture.pcap\n  kdiag exchanges -Y 'exchange.latency_ms > 100' --json capture.pcap\n\nkdiag kafka is the Kafka view, with Kafka's own columns (API version, correlation id, topics).",
    )
    .action((files: string[], o: { json?: boolean; stats?: boolean; filter?: string; protocol?: string; separate?: boolean; jobs?: string }) =>
      eachCapture(files, o.separate, o.json === true, out, (f) => exchangesCommand(f, o, globals(), out, false), o.stats ? o.jobs : "1"),
    );

  const ruleOptions = (cmd: Command) =>
    cmd
      .addOption(new Option("--rules <path>", "also load rule files from PATH, a file or a directory (repeatable)").argParser(collect).default([]))
      .addOption(new Option("--param <name=value>", "override a rule parameter, e.g. message_max_bytes=2097152 (repeatable)").argParser(collect).default([]))
      .option("--no-builtin", "do not load the built-in rules (the rules/ folder of kdiag)");
  const findingOptions = (cmd: Command) =>
    ruleOptions(cmd)
      .option("--json", 'print {"findings": [...]} (stable, snake_case keys)')
      .option("--format <format>", "text (default), md or json")
      .option("--fail-on <severity>", "exit with code 6 when a finding is at least this severe (info, warning, error, critical)")
      .option("--export-evidence <out.pcap>", "write the packets behind the findings to a pcap");

  findingOptions(
    program
      .command("analyze")
      .alias("analyse")
      .description("run the rules over a capture: root causes with their evidence packets and what to change")
      .argument("[files...]", `${FILES_HELP} (or -i INTERFACE: a live capture)`)
      .option("--separate", SEPARATE_HELP)
      .option("--jobs <n>", JOBS_HELP),
  )
    .option("-i, --interface <iface>", "capture live on IFACE with tcpdump (or dumpcap) until Ctrl-C or --duration, then analyse")
    .option("-f, --capture-filter <bpf>", "with -i: a capture filter in tcpdump's syntax, e.g. 'tcp port 9092'")
    .option("-w, --write <file>", "with -i: also keep what was captured in FILE, as pcapng (complete after Ctrl-C)")
    .option("--duration <sec>", "with -i: stop the capture after SEC seconds")
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag analyze capture.pcap\n  sudo kdiag analyze -i eth0 -f 'tcp port 9092' --duration 600 -w incident.pcap\n  kdiag analyze capture.pcap --param message_max_bytes=2097152 --fail-on error\n  kdiag analyze capture.pcap --rules my-rules.yaml --format md > report.md\n  kdiag analyze capture.pcap --export-evidence evidence.pcap",
    )
    .action((files: string[], o: AnalyzeOptions & LiveOptions & { separate?: boolean; jobs?: string }) =>
      o.interface !== undefined || files.length === 0
        ? liveAnalyze(files, o, globals(), out)
        : // Every file would write the same evidence file: one after the other, the last one's stays (as before).
          eachCapture(files, o.separate, o.json === true || o.format === "json", out, (f) => analyzeCommand(f, o, globals(), out), o.exportEvidence ? "1" : o.jobs),
    );

  ruleOptions(
    program
      .command("watch")
      .description("print each finding once, as it happens: from a live capture (-i), standard input or a file")
      .argument("[file]", "capture file, or - for standard input (read while it is written); or -i INTERFACE"),
  )
    .option("-i, --interface <iface>", "capture live on IFACE with tcpdump (or dumpcap where tcpdump is not installed)")
    .option("-f, --capture-filter <bpf>", "with -i: a capture filter in tcpdump's syntax, e.g. 'tcp port 9092'")
    .option("-w, --write <file>", "with -i: also keep what was captured in FILE, as pcapng (complete after Ctrl-C)")
    .option("--json", "one JSON object per line (NDJSON), with the keys of analyze --json findings")
    .option("-c, --count <n>", "stop after N findings")
    .option("--duration <sec>", "stop after SEC seconds")
    .option("--window <size>", "keep detail (packet index rows, Kafka messages) for the last N packets or a duration (90s, 10m, 1h), or all; older closed connections keep a summary and their findings (default 200000)")
    .option("--let-go <silence>", "with a window: a connection with no FIN or RST leaves it after this much silence (90s, 15m, 1h; default 15m, longer than Kafka's 10-minute idle reaper)")
    .option("--keep-connections <n>", "connections that left the window kept whole (a compact row each, about 0.6 kB) before the oldest are folded into per-server and per-path aggregates; all never folds (default 200000)")
    .addOption(new Option("--eval-packets <n>", "also re-run the rules every N packets (tests)").hideHelp())
    .addOption(new Option("--index-rows <n>", "most packet index rows held before a connection in the window is cut (tests)").hideHelp())
    .addHelpText(
      "after",
      "\nA finding is printed once, as soon as later packets can no longer change its verdict (a middlebox reset: at once;\ncauses with less than high confidence, reconnect storms and whole-capture rules: at the end). Ctrl-C stops the\ncapture and prints the rest.\n\nExamples:\n  sudo kdiag watch -i eth0 -f 'tcp port 9092'\n  sudo kdiag watch -i eth0 --json -w broker.pcap | my-alerting-script\n  kdiag watch -i any -c 1 --duration 3600   # wait up to an hour for the first finding\n  tcpdump -i eth0 -U -w - port 9092 | kdiag watch -\n  kdiag watch capture.pcap",
    )
    .action((file: string | undefined, o: WatchOptions) => watchCommand(file, o, globals(), out));

  findingOptions(
    program
      .command("compare")
      .description("two captures of the same traffic (client side, broker side): who really sent the RST, what only one side saw")
      .argument("<client-side>", "capture taken at (or near) the client")
      .argument("<server-side>", "capture taken at (or near) the broker"),
  )
    .addHelpText("after", "\nExamples:\n  kdiag compare client.pcap broker.pcap\n  kdiag compare --json client.pcap broker.pcap")
    .action((client: string, server: string, o: AnalyzeOptions) => compareCommand(client, server, o, globals(), out));

  const rulesCmd = ruleOptions(program.command("rules").description("list and check the rules (built-in and --rules files)"));
  rulesCmd
    .option("--json", 'print {"rules": [...], "problems": [...]}')
    .addHelpText("after", "\nExamples:\n  kdiag rules\n  kdiag rules --rules my-rules.yaml --no-builtin")
    .action((o: RuleOptions & { json?: boolean }) => rulesCommand(o, globals(), out))
    .command("test")
    .description("run the tests rule files declare (- test: a capture and the findings expected); exit 7 when one fails")
    .argument("<files...>", "rule files (or folders of them) whose tests to run")
    .addOption(new Option("--rules <path>", "also load rule files from PATH (repeatable)").argParser(collect).default([]))
    .addOption(new Option("--param <name=value>", "override a rule parameter for every test (repeatable)").argParser(collect).default([]))
    .option("--no-builtin", "do not load the built-in rules next to the files under test")
    .addHelpText("after", "\nExamples:\n  kdiag rules test my-rules.yaml\n  kdiag rules test --no-builtin rules/")
    .action((files: string[], o: RuleOptions, cmd: Command) => rulesTestCommand(files, withParentRuleOptions(o, cmd), globals(), out));

  rulesCmd
    .command("lint")
    .description("check rule files and report every problem at once, at file:line:col; exit 5 on an error")
    .argument("<files...>", "rule files (or folders of them)")
    .addOption(new Option("--rules <path>", "also load rule files from PATH (repeatable)").argParser(collect).default([]))
    .addOption(new Option("--param <name=value>", "check with this parameter value (repeatable)").argParser(collect).default([]))
    .option("--no-builtin", "do not load the built-in rules (their macros and lists) next to the files")
    .option("--json", 'print {"problems": [...], "errors": N, "warnings": N}')
    .addHelpText("after", "\nExamples:\n  kdiag rules lint my-rules.yaml\n  kdiag rules lint --json rules/ | jq '.problems[] | select(.severity == \"error\")'")
    .action((files: string[], o: RuleOptions & { json?: boolean }, cmd: Command) => rulesLintCommand(files, withParentRuleOptions(o, cmd), globals(), out));

  const tuiCommand = program
    .command("tui")
      .description("browse findings, connections, Kafka exchanges and packets in the terminal (works over SSH)")
      .argument("[files...]", "capture files or directories, read as one capture (merged by time); the client side with --server-side; or -i INTERFACE for a live capture")
    .addOption(new Option("--server-side <file>", "a second capture of the same traffic, taken at the broker: adds the comparison (repeatable: files merged)").argParser(collect))
    .option("-i, --interface <iface>", "capture live on IFACE with tcpdump (or dumpcap): the panes grow as packets arrive")
    .option("-f, --capture-filter <bpf>", "with -i: a capture filter in tcpdump's syntax, e.g. 'tcp port 9092'")
    .option("-w, --write <file>", "with -i: also keep what was captured in FILE, as pcapng")
    .option("--duration <sec>", "with -i: stop the capture after SEC seconds (the TUI stays until q)")
    .option("--window <size>", "with -i: keep Kafka messages for the last N packets or a duration (90s, 10m, 1h), or all; older closed connections stay as rows with their findings (default 200000)")
    .option("--keep-connections <n>", "with -i: connections that left the window kept as rows before the oldest are folded into per-server and per-path aggregates (and leave the list); all never folds (default 200000)")
    .addOption(new Option("--rules <path>", "also load rule files from PATH, a file or a directory (repeatable)").argParser(collect).default([]))
    .addOption(new Option("--param <name=value>", "override a rule parameter (repeatable)").argParser(collect).default([]))
    .option("--keys <file>", "your key bindings: YAML mapping action ids to keys (default: ~/.config/kdiag/keys.yaml if it exists; docs/tui.md)");
  tuiCommand
    .addHelpText(
      "after",
      "\nKeys: Tab between panes, arrows or j/k, Enter to drill down, Esc back, / filter, ? help, q quit.\n\nExamples:\n  kdiag tui capture.pcap\n  sudo kdiag tui -i eth0 -f 'tcp port 9092'\n  kdiag tui client-side.pcap --server-side broker-side.pcap\n  kdiag tui /var/captures/   (a rotation set: its files as one capture)\n  kdiag tui --keys my-keys.yaml capture.pcap   (e.g. toggle-mark: \"*\")\n  kdiag --kafka-port 36333 tui capture.pcap --param message_max_bytes=2097152",
    )
    .action(async (args: string[], o: { rules: string[]; param: string[]; serverSide?: string[]; interface?: string; captureFilter?: string; write?: string; duration?: string; window?: string; keepConnections?: string; keys?: string }) => {
      const g = globals();
      if (o.interface === undefined && args.length === 0) throw new UsageError("give a capture file, or -i INTERFACE for a live capture");
      if (o.interface !== undefined && (args.length > 0 || o.serverSide !== undefined)) throw new UsageError(`give capture files or -i INTERFACE, not both (${[...args, ...(o.serverSide ?? [])].join(" ")}, -i ${o.interface})`);
      if (o.interface === undefined && (o.write !== undefined || o.captureFilter !== undefined || o.duration !== undefined || o.window !== undefined || o.keepConnections !== undefined)) throw new UsageError("-f, -w, --duration, --window and --keep-connections are for a live capture: they need -i INTERFACE");
      const keepConnections = o.keepConnections === undefined ? undefined : parseKeepConnections(o.keepConnections);
      if (keepConnections === null) throw new UsageError(keepConnectionsError(o.keepConnections!));
      const window = o.window === undefined ? undefined : o.window === "all" ? null : parseWindow(o.window);
      if (window === null && o.window !== "all") throw new UsageError(`--window ${o.window}: expected a number of packets (200000), a duration (90s, 10m, 1h) or all`);
      const duration = o.duration === undefined ? undefined : Number(o.duration);
      if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) throw new UsageError(`--duration ${o.duration}: expected a number of seconds above 0`);
      const file = o.interface === undefined ? await captureFiles(args, out) : undefined;
      const serverSide = o.serverSide ? await captureFiles(o.serverSide, out) : undefined;
      if (file === null || serverSide === null) return;
      // The session is opened before the screen: a plugin that cannot load is a usage error (2),
      // and the TUI shows rule problems itself (status line, then in full on quit: exit 5).
      const session = (await openRun(g, out, { rules: o.rules, param: o.param, builtin: true })) as RuledSession;
      await out.flush();
      const { runTui } = await import("../tui/index.js");
      out.exitCode = await runTui({
        files: file === undefined ? [] : serverSide ? [file, serverSide] : [file],
        ...(o.interface !== undefined
          ? { live: { iface: o.interface, ...(o.captureFilter !== undefined ? { filter: o.captureFilter } : {}), ...(o.write !== undefined ? { write: o.write } : {}), ...(duration !== undefined ? { duration } : {}), ...(window !== undefined ? { window } : {}), ...(keepConnections !== undefined ? { keepConnections } : {}) } }
          : {}),
        session,
        ...(o.keys !== undefined ? { keysFile: o.keys } : {}),
      });
    });

  ruleOptions(
    program
      .command("export")
      .description("write connections, Kafka exchanges and findings as tables (NDJSON or Parquet) for DuckDB, Spark or Trino")
      .argument("<files...>", FILES_HELP)
      .option("--format <format>", "parquet (default) or ndjson")
      .option("--out <dir>", "directory to write connections, exchanges and findings .parquet/.ndjson into (created if missing)")
      .option("--host <name>", "value of the host column (default: this machine's hostname), to query many brokers' exports together")
      .option("--separate", "each file is its own capture (its own capture column) instead of merging them"),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  kdiag export --out /tmp/kdiag-export /var/captures/\n  kdiag export --format ndjson --out out --host broker-1 capture.pcap\n  duckdb -c \"select host, api_name, count(*) from 'exports/*/exchanges.parquet' group by all\"\n\nSchema: README.md, Export for DuckDB.",
    )
    .action(async (files: string[], o: import("../export/command.js").ExportOptions) => {
      // The session first: rules may name a plugin's fields.
      const { registry, rules } = await openRunWithRules(globals(), out, o);
      const { exportCommand } = await import("../export/command.js");
      await exportCommand(files, o, out, {
        rules,
        analyse: (f) => analyse(f, registry, out),
        reportDamage: (c) => reportDamage(c, out),
      });
    });

  program
    .command("fields")
    .description("list every field name that filters and rules can use")
    .action(async () => fieldsCommand(await buildRegistry(globals(), out), out));

  program.addHelpText(
    "after",
    `
Several files (or a directory) given to flows, packets, kafka, exchanges, analyze or tui are one capture:
merged by time as mergecap does, a tcpdump rotation set (-C/-W/-G) read in sequence, packets
numbered over the merged capture. --separate analyses each file on its own.

Exit codes:
  0  done, the whole capture was read
  1  internal error (a bug in kdiag: please report it)
  2  usage error: bad option or argument, or a plugin that cannot be loaded
  3  the input cannot be used: missing, unreadable, empty, or not a capture
  4  the capture is truncated or corrupt: output covers the packets before the damage
  5  a rule file has errors (shown with file:line:col); it was skipped, the other rules ran
  6  analyze/compare --fail-on: a finding at or above that severity
  7  rules test: a rule test failed, or the files declare none
  8  a live capture (-i) could not start: tcpdump/dumpcap missing, no permission, no such interface, bad capture filter`,
  );
  return program;
}

/** Runs one command line; streams can be given for in-process tests. Returns the exit code. */
export async function main(
  argv: string[],
  streams: { stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {},
): Promise<number> {
  const out = new Output(streams.stdout, streams.stderr);
  rememberArgv(argv);
  const program = buildProgram(out);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; its own message is already printed.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") {
        out.exitCode = ExitCode.OK;
      } else {
        out.exitCode = ExitCode.USAGE;
      }
    } else if (err instanceof UsageError || err instanceof PluginError || err instanceof RuleUsageError) {
      out.error(err.message);
      out.exitCode = ExitCode.USAGE;
    } else if (Output.isBrokenPipe(err)) {
      // `kdiag packets big.pcap | head`: the reader left; that is not an error.
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      out.error(`internal error: ${e.message} (please report this with the command line)`);
      if (process.env.KDIAG_DEBUG) out.rawErr(`${e.stack}\n`);
      out.exitCode = ExitCode.INTERNAL;
    }
  }
  try {
    await out.flush();
  } catch (err) {
    if (!Output.isBrokenPipe(err)) throw err;
  }
  return out.exitCode;
}

/**
 * What `kdiag analyze` shows on a terminal (Ink): a progress line while the capture is read, then
 * the findings summary — most severe rules first, each with its first findings, evidence and
 * advice. Piped output uses the plain text report instead (src/report/findings.ts).
 */

import { Box, Text } from "ink";
import type { Finding } from "../../rules/index.js";
import { groupFindings, packetList, summaryLine } from "../findings.js";
import { sanitize } from "../sanitize.js";

const COLOURS: Record<string, string> = { critical: "magenta", error: "red", warning: "yellow", info: "cyan" };
/** Findings shown per rule before "… N more": the summary must fit a screen. */
const SHOWN_PER_RULE = 3;

export interface ProgressProps {
  file: string;
  packets: number;
  bytes: number;
  /** Size of the capture file, when known (not for stdin). */
  totalBytes?: number;
}

export function Progress({ file, packets, bytes, totalBytes }: ProgressProps) {
  const mb = (bytes / 1e6).toFixed(1);
  const pct = totalBytes ? ` (${Math.min(100, Math.floor((bytes / totalBytes) * 100))}%)` : "";
  return (
    <Text>
      <Text color="cyan">reading</Text> {sanitize(file)}: {packets.toLocaleString("en-US")} packets, {mb} MB{pct}
    </Text>
  );
}

const oneLine = (s: string) => sanitize(s.replace(/\s+/g, " ").trim());

export function FindingsSummary({ file, findings }: { file: string; findings: readonly Finding[] }) {
  const groups = groupFindings(findings);
  if (groups.length === 0) {
    return <Text color="green">{sanitize(file)}: no findings — none of the rules matched this capture.</Text>;
  }
  return (
    <Box flexDirection="column">
      {groups.map((g) => (
        <Box key={g.rule} flexDirection="column" marginBottom={1}>
          <Text>
            <Text bold color={COLOURS[g.severity] ?? "white"}>
              {g.severity.toUpperCase()}
            </Text>{" "}
            <Text bold>{g.rule}</Text>: {oneLine(g.title)} ({g.findings.length})
          </Text>
          {g.findings.slice(0, SHOWN_PER_RULE).map((f, i) => (
            <Box key={i} flexDirection="column" marginLeft={2}>
              <Text>- {oneLine(f.message)}</Text>
              <Text dimColor>
                {"  "}evidence: {f.evidence.connection !== undefined ? `connection ${f.evidence.connection}, ` : ""}packets{" "}
                {packetList(f.evidence.packets)}
              </Text>
            </Box>
          ))}
          {g.findings.length > SHOWN_PER_RULE ? (
            <Text dimColor>{`  … ${g.findings.length - SHOWN_PER_RULE} more (kdiag analyze --json or the TUI shows all)`}</Text>
          ) : null}
          {g.advice ? (
            <Box marginLeft={2}>
              <Text color="green">advice: {oneLine(g.advice)}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
      <Text bold>{summaryLine(findings)}</Text>
    </Box>
  );
}

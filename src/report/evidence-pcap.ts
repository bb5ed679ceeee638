/**
 * `kdiag analyze --export-evidence OUT.pcap`: the packets behind the findings, with their original
 * timestamps, as a classic pcap a colleague can open in Wireshark. Bytes are read back from the
 * capture one packet at a time, never all at once.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import { maskFrame } from "../model/secret-bytes.js";

export interface EvidenceExport {
  packets: number;
  /** Packets left out because their link type differs from the first one's (classic pcap has one). */
  skipped: number;
}

export function writeEvidencePcap(capture: AnalysedCapture, packetNumbers: Iterable<number>, path: string): EvidenceExport {
  const p = capture.packets;
  // Packets whose rows a live index dropped (before its base) cannot be written from it.
  const numbers = [...new Set(packetNumbers)].filter((n) => n > p.base && n <= p.count).sort((a, b) => a - b);
  const b = p.base;
  const linkType = numbers.length > 0 ? p.linkType[numbers[0]! - 1 - b]! : 1;
  const fd = openSync(path, "w");
  try {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(linkType, 20);
    writeSync(fd, header);
    let written = 0;
    let skipped = 0;
    const record = Buffer.alloc(16);
    for (const n of numbers) {
      const i = n - 1;
      if (p.linkType[i - b] !== linkType) {
        skipped++;
        continue;
      }
      const tsUs = p.tsUs[i - b]!;
      record.writeUInt32LE(Math.floor(tsUs / 1e6), 0);
      record.writeUInt32LE(Math.floor(tsUs % 1e6), 4);
      record.writeUInt32LE(p.capLen[i - b]!, 8);
      record.writeUInt32LE(p.origLen[i - b]!, 12);
      writeSync(fd, record);
      // Secrets (a SASL password) are overwritten unless --show-secrets: evidence gets passed around.
      writeSync(fd, maskFrame(capture, i, capture.bytes.view(p.fileOffset[i - b]!, p.capLen[i - b]!), capture.showSecrets === true));
      written++;
    }
    return { packets: written, skipped };
  } finally {
    closeSync(fd);
  }
}

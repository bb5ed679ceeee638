/**
 * Which file a packet's bytes are in. A single capture has one file; in a capture merged from
 * several (capture/merge.ts) the packet index holds merged addresses, file index * FILE_STRIDE +
 * offset in that file, and this turns one back into the file's name and the offset in it.
 */

import { MergedBytes } from "../capture/merge.js";
import type { AnalysedCapture } from "./analysed-capture.js";

export function packetFile(capture: AnalysedCapture, index: number): { file: string; offset: number } {
  const address = capture.packets.fileOffset[index - capture.packets.base]!;
  if (!capture.parts) return { file: capture.file, offset: address };
  const { file, offset } = MergedBytes.locate(address);
  return { file: capture.parts[file]?.file ?? `file ${file}`, offset };
}

/** "File offset: N", with the file named when the capture has several. */
export function packetFileLine(capture: AnalysedCapture, index: number): string {
  const { file, offset } = packetFile(capture, index);
  return capture.parts ? `File: ${file}, offset ${offset}` : `File offset: ${offset}`;
}

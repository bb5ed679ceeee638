/** The capture readers' public surface. */
export { readCapture, readCaptureStream, type CaptureRead, type ReadOptions } from "./read.js";
export { CaptureParser } from "./parser.js";
export { PacketBytes } from "./packet-bytes.js";
export { formatProblem } from "./problems.js";
export { sniff, type Sniffed } from "./detect.js";
export { ReusedFrame, type FrameSink } from "./record-framer.js";
export * from "./types.js";

/** Exit codes, documented in the README; scripts and CI jobs depend on them. */
export const ExitCode = {
  /** Done; the whole capture was read. */
  OK: 0,
  /** A bug in kdiag (the message says so); please report it with the command line. */
  INTERNAL: 1,
  /** The command line is wrong, or a plugin named with --plugin cannot be loaded. */
  USAGE: 2,
  /** The input cannot be used at all: missing, unreadable, empty, or not a capture file. */
  INPUT_UNUSABLE: 3,
  /** The capture is truncated or corrupt: the output covers the packets before the damage. */
  INPUT_DAMAGED: 4,
} as const;

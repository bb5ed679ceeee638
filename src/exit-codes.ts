/** Exit codes, documented in the README; scripts and CI jobs depend on them. */
export const ExitCode = {
  /** Done; the whole capture was read. */
  OK: 0,
  /** A bug in kdiag (the message says so); please report it with the command line. */
  INTERNAL: 1,
  /**
   * The command line is wrong, a plugin named with --plugin cannot be loaded, or `tui` cannot run
   * here: no terminal, or one it cannot draw on (TERM unset, dumb, or with no terminfo entry).
   */
  USAGE: 2,
  /** The input cannot be used at all: missing, unreadable, empty, or not a capture file. */
  INPUT_UNUSABLE: 3,
  /** The capture is truncated or corrupt: the output covers the packets before the damage. */
  INPUT_DAMAGED: 4,
  /** A rule file has errors (reported with file:line:col); it was skipped, the other rules ran. */
  RULE_ERRORS: 5,
  /** analyze/compare --fail-on: a finding at or above that severity. */
  FINDINGS: 6,
  /** rules test: a rule test failed (or the files declare none). */
  RULE_TESTS_FAILED: 7,
  /**
   * A live capture (-i) could not start: tcpdump/dumpcap missing, no permission (root or
   * CAP_NET_RAW), no such interface, or a capture filter the tool refused (the message says which).
   */
  CAPTURE_FAILED: 8,
} as const;

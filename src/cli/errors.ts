/** Mistakes on the command line: one line on stderr, exit code 2 (see main.ts). */

/** A bad option value or argument. */
export class UsageError extends Error {}

/** A bad rule-related option (--param, --fail-on, --format). */
export class RuleUsageError extends Error {}

/** Which formats carry multi-line events; a module of its own so callers need not load the parsers. */

/**
 * The multi-line rule a tailed source of this format gets when its config says nothing
 * (docs/collecting.md): formats whose events may carry a stack trace join them, `auto` (the
 * format not known before the lines are read) joins Java and Python traces, and formats whose
 * every event is one line (access logs, JSON, syslog, logcat, ...) are read a line an event.
 */
export function defaultMultiline(format: string | undefined): 'auto' | 'java' | 'python' | null {
  if (format === undefined || format === '' || format === 'auto') return 'auto';
  return STACK_TRACE_FORMATS.get(format) ?? null;
}

/** Formats whose events may continue over lines, and the rule that joins them. */
const STACK_TRACE_FORMATS = new Map<string, 'auto' | 'java' | 'python'>([
  ['log4j', 'java'],
  ['python', 'python'],
  ['app', 'auto'],
  ['generic', 'auto'],
]);

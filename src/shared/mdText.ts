// Text from cases, logs and stdout going into markdown (summary.md, fix_plan.md attempt lines) or into a `#`
// comment of commands.txt. A newline there would start a new heading or a runnable line, a `|` a new table cell, a
// backtick a code span, `<` an HTML tag; so such text is folded onto one line and escaped where it is written.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line: every run of control characters (newline, tab, CR...) becomes one space. */
export function singleLine(s: string): string {
  return s.replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Inline markdown text: one line, with `|`, backticks, `<`, `>` and `\` escaped so they show as themselves. */
export function mdInline(s: string): string {
  return singleLine(s).replace(/[\\|`]/g, (c) => `\\${c}`).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A `# ...` comment line of a shell file: control characters shown as escapes (\n) so it cannot end the comment. */
export function shellCommentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

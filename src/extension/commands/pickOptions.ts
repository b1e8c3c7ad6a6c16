// Quick picks and input boxes that stay open when the focus moves away (`ignoreFocusOut`; Escape still closes them).
// VS Code moves the focus a moment after the click or command that opened ours, without checking where it went:
// - the walkthrough page focuses the step it just expanded 250 ms after the click (the length of its expand animation),
//   so a setup pick opened from the step's button inside that time closed under the click or the typing (traced in
//   code-server 4.139.1, x-walkthrough-remote); a multi-step setup also lets the user look up a path and come back;
// - when the command palette closes over a webview (our results panel), the focus is handed back to the webview by a
//   delayed message to its frame, so a pick a command shows at once closed 21–25 ms after it appeared (e2e scenario
//   9's focus trace, 1 run in 3).
// - the record flow's steps (item, note, options), started from a webview button, lost their pick (e2e scenario 3);
//   KEEP_OPEN kept it on screen but the keyboard still went back to the webview between steps, so that flow now
//   chains its steps in one widget that never hides (stepInput.ts).
// If VS Code wins the race the pick stays on screen; a click into it gives it the keyboard.
export const KEEP_OPEN = { ignoreFocusOut: true } as const;

// Options of the quick picks that palette commands show at once (no await before them). When the palette closes over
// a webview (our results panel), VS Code hands the focus back to the webview a moment later (a delayed focus message
// to its frame); a pick shown within those ~30 ms lost the focus and closed (e2e scenario 9's focus trace: our pick's
// input focused, then `focusout -> null` 21–25 ms later, in 1 of 3 runs). With ignoreFocusOut it stays open; a click
// into it or Escape work as usual. (The walkthrough's SETUP_INPUT is the same option for another focus race.)
export const PALETTE_PICK = { ignoreFocusOut: true } as const;

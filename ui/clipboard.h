/* Copying to the terminal's clipboard (ui/clipboard.c). */
#ifndef OMS_UI_CLIPBOARD_H
#define OMS_UI_CLIPBOARD_H

#include "ui.h"

/* Sends text to the clipboard with OSC 52 and says so ("Copied the order
 * number 10000012"); says why not when [ui] copy = no. Returns UI flags. */
int ui_copy(struct ui *ui, const char *what, const char *text);
/* ui_copy, and when `next` is given the message says what the copy key
 * copies when pressed again ("Copied the order number 10000012; y again:
 * the tracking number."). */
int ui_copy_then(struct ui *ui, const char *what, const char *text, const char *next);

#endif

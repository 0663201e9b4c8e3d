/* The frame of a dialog (ui/frame.c). */
#ifndef OMS_UI_FRAME_H
#define OMS_UI_FRAME_H

#include "ui.h"

/* Clears the whole content area r, so nothing of the screen below shows
 * through, and draws a box in it (at most 80 x 24, centred) with the title
 * in its top edge and a rule above its last inner row, the row of keys.
 * Returns the box b: the inside is rows b.y + 1 .. b.y + b.h - 4 and
 * columns b.x + 2 .. b.x + b.w - 3; the keys go on row b.y + b.h - 2.
 * Under --plain there are no drawing characters (a screen reader would
 * spell them out): the title ends with ':', the rules are blank rows. */
struct ui_rect ui_frame_draw(struct ui *ui, struct ui_rect r, const char *title);

#endif

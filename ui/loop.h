/* The event loop (ui/loop.c), used by ui_run (ui/ui.c). */
#ifndef OMS_UI_LOOP_H
#define OMS_UI_LOOP_H

#include "ui.h"

/* Runs until the user quits; the lookup view must be on the stack and the
 * terminal set up. Closes every view before returning. */
void ui_loop(struct ui *ui);
/* The area between the title bar (and banner) and the status bar. */
struct ui_rect ui_content_rect(const struct ui *ui);

#endif

/* The message history screen (ui/view_messages.c). */
#ifndef OMS_UI_VIEW_MESSAGES_H
#define OMS_UI_VIEW_MESSAGES_H

#include "ui.h"

/* The last 50 status-line messages, newest first. */
struct view *view_messages_new(struct ui *ui);

#endif

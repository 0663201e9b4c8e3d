/* Finding within a list what is loaded, as less and mutt do (issue 13):
 * `/` on a list opens a one-line prompt at the foot of the screen, Enter
 * moves the selection to the next row whose text holds what was typed (in
 * any case of ASCII letters, wrapping round), n and N go to the next and
 * previous match, and a message says when nothing matches. The row text is
 * the row as the list draws it (its row function, at full width), so what
 * is found is what is seen. */
#ifndef OMS_UI_LIST_FIND_H
#define OMS_UI_LIST_FIND_H

#include <stdbool.h>

#include "form.h"
#include "input.h"
#include "list.h"

struct ui_list_find {
	struct ui_form form;       /* the prompt: one field, `in` */
	struct ui_input in;
	bool open;                 /* the prompt is shown */
	char needle[128];          /* the last text searched for */
};

void ui_list_find_init(struct ui_list_find *f, struct ui *ui);
/* Opens the prompt, the last text searched for selected. */
int ui_list_find_start(struct ui_list_find *f);
/* The prompt's keys: Enter searches and closes it, Esc closes it. */
int ui_list_find_key(struct ui_list_find *f, int key, int action, struct ui_list *l,
		     ui_list_row_fn *fn, void *arg);
/* n (dir 1) and N (dir -1): the next or previous match of the last text. */
int ui_list_find_next(struct ui_list_find *f, struct ui_list *l, int dir,
		      ui_list_row_fn *fn, void *arg);
void ui_list_find_draw(struct ui_list_find *f, int y, int x, int w);
int ui_list_find_paste(struct ui_list_find *f, const char *text);

#endif

/* The message history: the last 50 messages of the status line, newest
 * first, with the time each was shown (a message goes from the status
 * line once the person acts; what it said is kept here). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "doc.h"
#include "view_messages.h"

struct messages_view {
	struct view v;
	struct ui_doc doc;
};

static struct messages_view *
mv(struct view *v)
{
	return (struct messages_view *)v;
}

static void
messages_build(struct messages_view *m)
{
	struct ui *ui = m->v.ui;
	const struct ui_msg_past *p;

	doc_clear(&m->doc);
	doc_add(&m->doc, UI_EL_HEADER, "Messages, newest first (the last 50)");
	if (!ui_message_past(ui, 0))
		doc_add(&m->doc, UI_EL_DIM, "  No message yet.");
	for (int i = 0; (p = ui_message_past(ui, i)); i++) {
		time_t t = (time_t)p->at;
		struct tm tm;
		char when[16], line[300];

		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%H:%M:%S", &tm);
		snprintf(line, sizeof line, "%s  %s", when, p->text);
		doc_wrap(&m->doc, p->el == UI_EL_NORMAL ? UI_EL_NORMAL : p->el, 10, line);
	}
}

static void
messages_draw(struct view *v, struct ui_rect r)
{
	doc_draw(v->ui, &mv(v)->doc, r);
}

static int
messages_resize(struct view *v, struct ui_rect r)
{
	struct messages_view *m = mv(v);

	if (m->doc.width != r.w) {
		m->doc.width = r.w;
		messages_build(m);
	}
	m->doc.scroll.height = r.h;
	ui_list_set_count(&m->doc.scroll, m->doc.n);
	return UI_REDRAW;
}

static int
messages_key(struct view *v, int key, int action)
{
	(void)key;
	if (action == UI_ACT_MESSAGES)
		return UI_POP | UI_HANDLED;
	return ui_list_action(&mv(v)->doc.scroll, action);
}

static int
messages_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_BACK, UI_ACT_DOWN, UI_ACT_PAGE_DOWN, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
messages_close(struct view *v)
{
	doc_free(&mv(v)->doc);
	free(v);
}

static const struct view_ops messages_ops = {
	.name = "Messages",
	.close = messages_close,
	.draw = messages_draw,
	.key = messages_key,
	.resize = messages_resize,
	.hints = messages_hints,
};

struct view *
view_messages_new(struct ui *ui)
{
	struct messages_view *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->v.ops = &messages_ops;
	m->v.ui = ui;
	doc_init(&m->doc, ui->cols, ui->ascii);
	messages_build(m);
	return &m->v;
}

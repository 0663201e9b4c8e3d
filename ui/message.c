/* The status line's messages: what a view or the loop tells the person,
 * and the words for an error (never a server's text for an unexpected
 * one). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "loop.h"

#define MESSAGE_MS 6000
#define UI_MSG_PAST ((int)(sizeof ((struct ui *)0)->msg_past / sizeof ((struct ui *)0)->msg_past[0]))

const struct ui_msg_past *
ui_message_past(const struct ui *ui, int n)
{
	if (n < 0 || n >= ui->msg_past_n)
		return NULL;
	return &ui->msg_past[(ui->msg_past_next - 1 - n + 2 * UI_MSG_PAST) % UI_MSG_PAST];
}

void
ui_message(struct ui *ui, enum ui_element el, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_seq++;
	/* the history keeps it (once, when it is said again at once) */
	{
		const struct ui_msg_past *last = ui_message_past(ui, 0);
		struct ui_msg_past *p = &ui->msg_past[ui->msg_past_next];

		if (!last || strcmp(last->text, ui->msg) != 0) {
			snprintf(p->text, sizeof p->text, "%s", ui->msg);
			p->el = el;
			p->at = (long long)time(NULL);
			ui->msg_past_next = (ui->msg_past_next + 1) % UI_MSG_PAST;
			if (ui->msg_past_n < UI_MSG_PAST)
				ui->msg_past_n++;
		}
	}
	ui->msg_el = el;
	ui->msg_until = ui_now_ms() + MESSAGE_MS;
	ui->redraw = true;
}

const char *
ui_status_words(enum oms_status st)
{
	switch (st) {
	case OMS_RETRY:
		return "Another session is changing this order; nothing was done. Enter tries again.";
	case OMS_READ_ONLY:
		return "The database server is read-only (a standby?): nothing was changed.";
	default:
		return oms_status_message(st);
	}
}

void
ui_message_error(struct ui *ui, const struct oms_error *err)
{
	switch (err->status) {
	case OMS_CANCELLED:
		ui_message(ui, UI_EL_WARNING, "Query cancelled.");
		break;
	case OMS_DB_GONE:
		ui_message(ui, UI_EL_ERROR, "The database connection was lost.");
		break;
	case OMS_DENIED:
		ui_message(ui, UI_EL_ERROR, "Not allowed for your role.");
		break;
	case OMS_RETRY:
	case OMS_READ_ONLY:
		ui_message(ui, UI_EL_ERROR, "%s", ui_status_words(err->status));
		break;
	case OMS_DB:
		/* server messages of unexpected errors are not for the CSR */
		ui_message(ui, UI_EL_ERROR, "Database error; the query did not complete.");
		break;
	default:
		ui_message(ui, UI_EL_ERROR, "%s", err->msg[0] ? err->msg : oms_status_message(err->status));
		break;
	}
}

void
ui_note_interrupted(struct ui *ui, const char *what)
{
	snprintf(ui->interrupted, sizeof ui->interrupted, "%s", what);
}


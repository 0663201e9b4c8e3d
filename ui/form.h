/* A form: labelled fields in a focus order, required marks, a validation
 * message next to the field it is about, and a confirm step ("Enter again
 * to ..."), for the dialogs (refund, cancel, and later returns, tickets,
 * mark-shipped, policies).
 *
 * Fields are single-line text, amounts (text with a currency after it),
 * multi-line notes, choice lists, and custom parts the dialog draws and
 * keys itself (the cancel dialog's lines). The form owns the keys every
 * dialog shares, all from the action table's dialog scope (ui/actions.h),
 * so oms.conf [keys] reaches them: field-next/field-prev move the focus,
 * confirm checks then sends, close goes back a step, choose picks the item
 * under the cursor. Letters typed into a text field are text, whatever
 * they are bound to elsewhere.
 *
 * The note (UI_FIELD_NOTE) wraps at display width (ui/width.c: wide and
 * combining characters), grows to the rows the dialog gives it and scrolls
 * within them. Enter confirms the dialog as in every other field (a CSR on
 * the phone ends a note with Enter and gets "Enter again to ..."); the
 * newline action (C-j) starts a new line, and a paste keeps its line
 * breaks. Up and Down move between the rows of the note; C-a/Home and
 * C-e/End go to the start and end of the line, C-k and C-u cut to them. */
#ifndef OMS_UI_FORM_H
#define OMS_UI_FORM_H

#include <stdbool.h>

#include "input.h"
#include "list.h"
#include "ui.h"

enum ui_field_kind {
	UI_FIELD_TEXT,             /* one line */
	UI_FIELD_AMOUNT,           /* one line, `suffix` (the currency) after it */
	UI_FIELD_NOTE,             /* lines, wrapped */
	UI_FIELD_CHOICE,           /* a list; choose marks field.chosen */
	UI_FIELD_CUSTOM,           /* drawn and keyed by the dialog */
};

struct ui_field {
	const char *label;         /* "Reason" */
	enum ui_field_kind kind;
	bool required;             /* drawn "Reason*:" */
	bool hidden;               /* out of the focus order and not drawn */
	const char *empty;         /* shown dim in an empty text field without focus */
	const char *suffix;        /* after an amount */
	struct ui_input *in;       /* TEXT, AMOUNT, NOTE */
	struct ui_list *list;      /* CHOICE */
	int chosen;                /* CHOICE: the chosen row, -1 none */
	char msg[240];             /* what is wrong with it, "" when nothing */
	int top;                   /* NOTE: the first row shown */
	int textw;                 /* NOTE: the columns of text last drawn */
};

#define UI_FORM_MAXFIELDS 8
struct ui_form {
	struct ui *ui;
	struct ui_field f[UI_FORM_MAXFIELDS];
	int n;
	int focus;
	int labelw;                /* columns of the label column */
	bool confirming, sending;
};

/* What a key meant, for the dialog to act on (ui_form_key). */
enum ui_form_event {
	UI_FORM_NONE,              /* not the form's: the dialog may use it */
	UI_FORM_HANDLED,           /* done (typed, moved, focus changed) */
	UI_FORM_CHECK,             /* confirm, first time: validate, then
				    * ui_form_confirming(f, ok) */
	UI_FORM_SEND,              /* confirm again: send */
	UI_FORM_CLOSE,             /* close without doing anything */
	UI_FORM_CHOSEN,            /* a choice field's item was chosen */
	UI_FORM_CHOOSE,            /* choose on a custom field */
};

void ui_form_init(struct ui_form *f, struct ui *ui, int labelw);
/* Adds a field; returns its index. */
int ui_form_add(struct ui_form *f, enum ui_field_kind kind, const char *label, bool required);
/* The field with the focus (NULL when none). */
struct ui_field *ui_form_focused(struct ui_form *f);
void ui_form_focus(struct ui_form *f, int i);
/* Handles a key for the field with the focus and the keys every dialog
 * shares; *ev says what it meant. Returns UI_* flags (UI_UNHANDLED with
 * UI_FORM_NONE). */
int ui_form_key(struct ui_form *f, int key, int action, enum ui_form_event *ev);
/* A paste goes into the text field with the focus, line breaks kept in a
 * note (spaces elsewhere), and never acts as keys. */
int ui_form_paste(struct ui_form *f, const char *text);
/* The focus is on a text field (keys are text there). */
bool ui_form_typing(struct ui_form *f);
/* A text field holds text the person typed (not a pre-filled value left
 * selected): closing would lose it. */
bool ui_form_unsaved(const struct ui_form *f);
/* After UI_FORM_CHECK: ok starts the confirm step. */
void ui_form_confirming(struct ui_form *f, bool ok);
/* Says what is wrong with field i next to it and puts the focus there
 * (ends the confirm step). */
void ui_form_error(struct ui_form *f, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ui_form_clear_errors(struct ui_form *f);
/* Rows field i takes drawn with a body of h rows in w columns. */
int ui_form_field_rows(const struct ui_form *f, int i, int h);
/* Rows a note needs to show all of its text in w columns (at least 1). */
int ui_form_note_rows(const struct ui_form *f, int i, int w);
/* Draws field i from row y in w columns: the label (with '*' when
 * required), the field (beside the label; a choice list or a note of
 * several rows under or beside it, h rows) and its message under it.
 * row formats a choice list's rows. Returns the rows used. */
int ui_form_draw_field(struct ui_form *f, int i, int y, int x, int w, int h,
		       ui_list_row_fn *row, void *arg);
/* Draws a label alone (for custom fields), with the focus shown. */
void ui_form_draw_label(struct ui_form *f, int i, int y, int x, int w);
/* The row of keys at the foot of the dialog: while sending `sending`;
 * in the confirm step "Enter again to <what>, Esc to go back."; else
 * `keys` (the dialog's own hints). */
void ui_form_draw_keys(struct ui_form *f, int y, int x, int w, const char *what,
		       const char *sending, const char *keys);
/* A prompt: a form of one text field drawn on one row, the label (in the
 * header colour) before it, the field in the columns left. A prompt has no
 * confirm step: its view acts on the first UI_FORM_CHECK (the approvals'
 * note, the customer's dates). */
void ui_form_draw_prompt(struct ui_form *f, int y, int x, int w, const char *label);
/* "Tab: next": the first key of an action as bound now and a word. */
const char *ui_form_key_text(const struct ui *ui, int action, const char *what, char *buf,
			     size_t len);

#endif

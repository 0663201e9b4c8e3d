/* Copy to the clipboard with OSC 52: the terminal (xterm, kitty, iTerm2,
 * Windows Terminal, tmux with set-clipboard on ...) puts the text on the
 * clipboard, over SSH too. Off with oms.conf [ui] copy = no. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clipboard.h"

static void
base64(const unsigned char *in, size_t n, char *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = tab[in[i] >> 2];
		out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = tab[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		out[o++] = tab[in[i + 2] & 63];
	}
	if (i < n) {
		out[o++] = tab[in[i] >> 2];
		if (i + 1 < n) {
			out[o++] = tab[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			out[o++] = tab[(in[i + 1] & 15) << 2];
		} else {
			out[o++] = tab[(in[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
}

int
ui_copy(struct ui *ui, const char *what, const char *text)
{
	return ui_copy_then(ui, what, text, NULL);
}

int
ui_copy_then(struct ui *ui, const char *what, const char *text, const char *next)
{
	char b64[1400];
	size_t n = strlen(text);

	if (!ui->copy) {
		ui_message(ui, UI_EL_WARNING, "Copying is off (oms.conf [ui] copy = no).");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!*text || n > 1000) {
		ui_message(ui, UI_EL_WARNING, "Nothing to copy here.");
		return UI_HANDLED | UI_REDRAW;
	}
	base64((const unsigned char *)text, n, b64);
	if (!ui->hangup) {
		fprintf(stdout, "\033]52;c;%s\a", b64);
		fflush(stdout);
	}
	if (next && *next) {
		char k[16];

		ui_keymap_key(&ui->km, UI_ACT_COPY, k, sizeof k);
		ui_message(ui, UI_EL_HINT, "Copied %s %s; %s again: %s.", what, text, k[0] ? k : "copy", next);
	} else {
		ui_message(ui, UI_EL_HINT, "Copied %s %s (OSC 52: the terminal puts it on the clipboard).",
			   what, text);
	}
	return UI_HANDLED | UI_REDRAW;
}

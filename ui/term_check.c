/* Can this terminal be drawn on? Apart from ui/ui.c because <term.h>
 * defines macros (lines, cols, hangup) that clash with oms's names. */
#include "config.h"

#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <term.h>
#include <unistd.h>

bool ui_terminal_can_draw(const char *progname);   /* ui/ui.h: not included, see above */

/* A terminal that cannot move its cursor (TERM=dumb, an unknown TERM)
 * would get a blank or garbled screen: say so and stop (exit 2), before
 * curses takes the terminal. */
bool
ui_terminal_can_draw(const char *progname)
{
	const char *prog = progname ? progname : "oms";
	const char *term = getenv("TERM");
	char *cup;
	int err = 0;
	bool ok;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "%s: the terminal type %s%s%s is not known here (no terminfo entry); "
			"set TERM to your terminal's (e.g. xterm-256color), or use the subcommands "
			"(`%s --help`)\n", prog, term ? "'" : "", term ? term : "(TERM is not set)",
			term ? "'" : "", prog);
		return false;
	}
	cup = tigetstr("cup");
	ok = cup && cup != (char *)-1 && !tigetflag("hc");
	del_curterm(cur_term);
	if (!ok)
		fprintf(stderr, "%s: the terminal (TERM=%s) cannot move its cursor, which the terminal "
			"client needs; use a full terminal (e.g. TERM=xterm-256color), or the "
			"subcommands (`%s --help`)\n", prog, term ? term : "", prog);
	return ok;
}


#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/app.h"
#include "conf.h"
#include "ctx.h"
#include "db/db.h"
#include "loop.h"
#include "views.h"

/* The signal handlers only write a byte to this pipe; the loop reads it. */
static int signal_pipe = -1;

static void
on_signal(int sig)
{
	char c = sig == SIGWINCH ? 'w' : sig == SIGINT ? 'i' : 'q';
	int saved = errno;

	if (signal_pipe >= 0)
		(void)!write(signal_pipe, &c, 1);
	errno = saved;
}

static int
signals_install(struct ui *ui)
{
	struct sigaction sa;
	int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };

	if (pipe(ui->sigfd) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(ui->sigfd[i], F_SETFL, fcntl(ui->sigfd[i], F_GETFL) | O_NONBLOCK);
		fcntl(ui->sigfd[i], F_SETFD, FD_CLOEXEC);
	}
	signal_pipe = ui->sigfd[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

static void
signals_remove(struct ui *ui)
{
	struct sigaction sa;
	int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal_pipe = -1;
	close(ui->sigfd[0]);
	close(ui->sigfd[1]);
}

struct keys_arg {
	struct ui_keymap *km;
	struct oms_error *err;
	bool failed;
};

static bool
keys_bind_one(const char *key, const char *value, void *arg)
{
	struct keys_arg *ka = arg;
	struct oms_error e;

	if (ui_keymap_bind(ka->km, key, value, &e) != OMS_OK && !ka->failed) {
		*ka->err = e;
		ka->failed = true;
	}
	return true;
}

/* Settings that do not need the terminal; a problem in oms.conf is shown
 * in the status line rather than refusing to start. */
static void
ui_configure(struct ui *ui, struct oms_ctx *ctx, struct oms_error *cfgerr)
{
	const char *codeset;
	struct keys_arg ka = { &ui->km, cfgerr, false };

	ui->ctx = ctx;
	ui->db = ctx->db;
	ui->report_conninfo = ctx->cfg ? config_get(ctx->cfg, "connection", "report_conninfo", NULL) : NULL;
	if (!ui->report_conninfo)
		ui->report_conninfo = ctx->conninfo;      /* a second connection to the primary */
	ui->plain = ctx->plain;
	codeset = nl_langinfo(CODESET);
	/* No UTF-8 locale (LANG unset, su -, a minimal machine, SSH without
	 * LANG): names would show as "Zo? ?ngstr?m". The database speaks
	 * UTF-8, so oms draws in C.UTF-8 unless LC_ALL=C (or POSIX) asks for
	 * the ASCII fallback, as --plain does. */
	if (!ctx->plain && (!codeset || strcmp(codeset, "UTF-8") != 0)) {
		const char *all = getenv("LC_ALL");

		if (!(all && (strcmp(all, "C") == 0 || strcmp(all, "POSIX") == 0)) &&
		    setlocale(LC_CTYPE, "C.UTF-8"))
			codeset = nl_langinfo(CODESET);
	}
	ui->ascii = ctx->plain || !codeset || strcmp(codeset, "UTF-8") != 0;
	ui_keymap_init(&ui->km);
	ui->copy = !ctx->cfg || config_get_bool(ctx->cfg, "ui", "copy", true);
	if (ctx->cfg) {
		config_each(ctx->cfg, "keys", keys_bind_one, &ka);
		if (ctx->cfg && config_get_bool(ctx->cfg, "ui", "plain", false)) {
			ui->plain = true;
			ui->ascii = true;
		}
	}
	/* [lookup] default_country_code, else the database's policy */
	app_default_cc(ctx->db, ctx->cfg ? config_get(ctx->cfg, "lookup", "default_country_code", NULL) : NULL,
		       ui->default_cc, sizeof ui->default_cc);
}

int
ui_run(struct oms_ctx *ctx)
{
	struct ui *ui;
	struct oms_error cfgerr, themeerr;
	struct view *root;
	const char *nc = getenv("NO_COLOR");

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the terminal client needs a terminal; see `%s --help` for subcommands\n",
			ctx->progname ? ctx->progname : "oms", ctx->progname ? ctx->progname : "oms");
		return 2;
	}
	if (!ctx->db) {
		fprintf(stderr, "%s: no database connection\n", ctx->progname ? ctx->progname : "oms");
		return 3;
	}
	setlocale(LC_ALL, "");
	if (!ui_terminal_can_draw(ctx->progname))
		return 2;
	ui = calloc(1, sizeof *ui);
	if (!ui)
		return 3;
	oms_error_clear(&cfgerr);
	oms_error_clear(&themeerr);
	ui_configure(ui, ctx, &cfgerr);
	if (signals_install(ui) != 0) {
		free(ui);
		fprintf(stderr, "%s: cannot create a pipe\n", ctx->progname ? ctx->progname : "oms");
		return 3;
	}

	/* a short ESCDELAY: Esc is a common key here (back, cancel) */
	set_escdelay(25);
	if (!initscr()) {
		signals_remove(ui);
		free(ui);
		return 3;
	}
	/* ncurses installs its own SIGWINCH handler: ours only sets a flag */
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
	}
	cbreak();
	noecho();
	nonl();
	/* Ctrl-C is a key (ui/keys_in.c: close the dialog, or ask "Quit
	 * oms? y/n"), not a signal that would end the session at once;
	 * Ctrl-Z keeps its signal */
	{
		struct termios t;

		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			t.c_cc[VINTR] = _POSIX_VDISABLE;
			if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
				def_prog_mode();
		}
	}
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* No typeahead check during an update: by default curses polls the
	 * terminal every few lines and flushes what it has so far, so one
	 * screen went out in a dozen write(2)s, each waking the terminal.
	 * ui_read_keys() drains the keys before every draw anyway. */
	typeahead(-1);
	curs_set(0);
	/* bracketed paste: a paste arrives marked, goes into the text field
	 * whole (line breaks in a note kept) and is never taken for keys */
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	/* ui->plain: --plain or oms.conf [ui] plain */
	ui->color = has_colors() && !ui->plain && !(nc && *nc);
	ui_theme_init(ctx->cfg, ui->color, &themeerr);
	ui->lines = LINES;
	ui->cols = COLS;
	ui->conn = UI_CONN_ONLINE;
	ui->idle_watch = true;

	root = view_lookup_new(ui);
	if (root) {
		ui_push(ui, root);
		/* after the push, which clears the messages of the screen below */
		if (cfgerr.status != OMS_OK)
			ui_message(ui, UI_EL_ERROR, "%s", cfgerr.msg);
		else if (themeerr.status != OMS_OK)
			ui_message(ui, UI_EL_ERROR, "%s", themeerr.msg);
		ui_loop(ui);
	}
	if (!ui->hangup) {
		fputs("\033[?2004l", stdout);
		fflush(stdout);
	}
	endwin();
	signals_remove(ui);
	free(ui->paste);
	free(ui);
	return root ? 0 : 3;
}

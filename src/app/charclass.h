/* Characters that must never reach a terminal as they are, whatever the
 * data holds: C0 controls and DEL (cursor movement, escape sequences), C1
 * controls U+0080..U+009F (U+009B is a one-byte CSI on some terminals) and
 * the bidirectional controls that reorder what follows them on the line
 * (U+202E RIGHT-TO-LEFT OVERRIDE makes "gpj.exe" look like "exe.jpg"):
 * U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069. Text output shows
 * them as '?' (cli_put_safe, ui/width.c), JSON as \uXXXX escapes. One
 * definition for the subcommands and the terminal client (inline: the
 * width test links ui/width.c alone). */
#ifndef OMS_APP_CHARCLASS_H
#define OMS_APP_CHARCLASS_H

#include <stdbool.h>

static inline bool
app_cp_bidi_control(unsigned cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static inline bool
app_cp_hostile(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || app_cp_bidi_control(cp);
}

#endif

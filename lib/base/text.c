/*
 * lib/text.c - UTF-8 validation, display width, matching keys, collation.
 *
 * Every input file goes through dti_text_check_utf8() before it is parsed,
 * so the rest of libdti can assume valid UTF-8 without NUL bytes.  Vietnamese
 * spreadsheets still travel in legacy encodings (Windows-1258, the TCVN3
 * "ABC" fonts, VNI), and UTF-16 comes out of "Unicode text" exports: such a
 * file is refused, and the message names the encoding it most resembles and
 * how to convert it.  The guess is only a hint; the refusal is what matters.
 *
 * Invariants:
 *   - validation is strict (RFC 3629: no overlongs, surrogates or code points
 *     beyond U+10FFFF) and linear, with an ASCII fast path, since it runs on
 *     files of hundreds of MB; the encoding guess runs only on failure;
 *   - width, fold and collate never fail: malformed bytes count as one
 *     column, a separator, or whatever ICU makes of them;
 *   - the fold key is plain ASCII ([a-z0-9] words separated by one space),
 *     identical for NFC and NFD input, so it can key hash maps;
 *   - ICU is opened (dlopen) and the collator made once per process
 *     (pthread_once), when first needed; the collator is only used through
 *     ICU's const API, which is thread-safe.  Without ICU, collation falls
 *     back to the accent-free order and character classes to a few ranges.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/uvernum.h>

#include "base/base.h"

/* ---- decoding -------------------------------------------------------- */

#define BAD_CP 0xFFFFFFFFu

/*
 * Length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0 if
 * the bytes there are not one.  `why` (if not NULL) gets the reason.
 */
enum bad_kind {
	BAD_NONE,
	BAD_NUL,
	BAD_CONT,     /* continuation byte without a lead byte */
	BAD_LEAD,     /* 0xF8..0xFF: never in UTF-8 */
	BAD_TRUNC,    /* lead byte without its continuation bytes */
	BAD_OVERLONG, /* a longer form of a shorter sequence */
	BAD_SURROGATE,
	BAD_RANGE /* beyond U+10FFFF */
};

static size_t seq_len(const unsigned char *s, size_t len, size_t i,
                      enum bad_kind *why)
{
	unsigned c = s[i];
	size_t need;
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	enum bad_kind lo_why = BAD_TRUNC, hi_why = BAD_TRUNC;

	if (c < 0x80) {
		if (c == 0) {
			if (why)
				*why = BAD_NUL;
			return 0;
		}
		return 1;
	}
	if (c < 0xC0) {
		if (why)
			*why = BAD_CONT;
		return 0;
	}
	if (c < 0xC2) {
		if (why)
			*why = BAD_OVERLONG;
		return 0;
	}
	if (c < 0xE0) {
		need = 1;
	} else if (c < 0xF0) {
		need = 2;
		if (c == 0xE0) {
			lo = 0xA0;
			lo_why = BAD_OVERLONG;
		} else if (c == 0xED) {
			hi = 0x9F;
			hi_why = BAD_SURROGATE;
		}
	} else if (c < 0xF5) {
		need = 3;
		if (c == 0xF0) {
			lo = 0x90;
			lo_why = BAD_OVERLONG;
		} else if (c == 0xF4) {
			hi = 0x8F;
			hi_why = BAD_RANGE;
		}
	} else {
		if (why)
			*why = c < 0xF8 ? BAD_RANGE : BAD_LEAD;
		return 0;
	}
	if (i + 1 >= len || s[i + 1] < 0x80 || s[i + 1] > 0xBF) {
		if (why)
			*why = BAD_TRUNC;
		return 0;
	}
	if (s[i + 1] < lo || s[i + 1] > hi) {
		if (why)
			*why = s[i + 1] < lo ? lo_why : hi_why;
		return 0;
	}
	for (size_t k = 2; k <= need; k++) {
		if (i + k >= len || (s[i + k] & 0xC0) != 0x80) {
			if (why)
				*why = BAD_TRUNC;
			return 0;
		}
	}
	return need + 1;
}

/*
 * Decodes one code point of a NUL-terminated string at *p and advances.
 * A malformed byte gives BAD_CP and advances by one, so text that was never
 * validated degrades gracefully instead of being misread.
 */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	if (c < 0x80) {
		*p = s + 1;
		return c;
	}
	/* s is NUL-terminated: a NUL stops seq_len like any non-continuation */
	size_t n = seq_len(s, 4, 0, NULL);
	if (n == 0) {
		*p = s + 1;
		return BAD_CP;
	}
	*p = s + n;
	if (n == 2)
		return (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3Fu);
	if (n == 3)
		return (uint32_t)(c & 0x0F) << 12 |
		       (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3Fu);
	return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
	       (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3Fu);
}

/* ---- validation ------------------------------------------------------ */

#define HI_BITS 0x8080808080808080ULL
#define LO_BITS 0x0101010101010101ULL

/* Offset of the first byte that is not UTF-8 (or a NUL), len if none. */
static size_t utf8_scan(const unsigned char *s, size_t len, enum bad_kind *why)
{
	size_t i = 0;
	while (i < len) {
		/*
		 * Data files are mostly ASCII: test 16 bytes per step for a
		 * high bit or a zero byte (the classic has-zero-byte trick; it
		 * is exact once no byte has its high bit set).
		 */
		while (i + 16 <= len) {
			uint64_t a, b;
			memcpy(&a, s + i, 8);
			memcpy(&b, s + i + 8, 8);
			if ((a | b) & HI_BITS)
				break;
			if (((a - LO_BITS) | (b - LO_BITS)) & HI_BITS)
				break;
			i += 16;
		}
		if (i >= len)
			break;
		if (s[i] >= 0x80 || s[i] == 0) {
			size_t n = seq_len(s, len, i, why);
			if (n == 0)
				return i;
			i += n;
		} else {
			i++;
		}
	}
	*why = BAD_NONE;
	return len;
}

enum guess {
	GUESS_UNKNOWN,
	GUESS_UTF16,
	GUESS_CP1258,
	GUESS_TCVN3,
	GUESS_VNI,
	GUESS_DAMAGED /* mostly UTF-8 with a bad spot */
};

static int is_ascii_vowel(unsigned c)
{
	switch (c | 0x20) {
	case 'a':
	case 'e':
	case 'i':
	case 'o':
	case 'u':
	case 'y': return 1;
	}
	return 0;
}

static int is_ascii_letter(unsigned c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/*
 * Scores each legacy encoding by byte patterns only it produces for
 * Vietnamese text, over the whole buffer:
 *   - Windows-1258 writes tones as combining bytes (0xCC 0xEC 0xD2 0xDE
 *     0xF2) after a vowel, which may itself be a high byte (â ê ô ơ ư ă),
 *     and Đ/đ as 0xD0/0xF0 at the start of a word;
 *   - TCVN3 puts common lower-case letters (ă â ê ô ơ ư đ, à ả ã á ạ, ằ ẳ
 *     ẵ ắ) in 0xA8-0xBE, where the other code pages have only symbols;
 *   - VNI writes a plain vowel followed by a mark byte (0xF8 grave, 0xF9
 *     acute, 0xEF dot below, ...).
 * UTF-16 shows a byte order mark or many NUL bytes; a buffer whose
 * multi-byte sequences are mostly valid UTF-8 is damaged UTF-8.
 */
static enum guess guess_encoding(const unsigned char *s, size_t len)
{
	if (len >= 2 &&
	    ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		return GUESS_UTF16;
	size_t nul = 0, valid_multi = 0, bad = 0;
	size_t cp1258 = 0, tcvn3 = 0, vni = 0;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c == 0)
				nul++;
			i++;
			continue;
		}
		size_t n = seq_len(s, len, i, NULL);
		if (n > 1) {
			valid_multi++;
			i += n;
			continue;
		}
		bad++;
		unsigned prev = i > 0 ? s[i - 1] : ' ';
		unsigned next = i + 1 < len ? s[i + 1] : ' ';
		int word_start = !is_ascii_letter(prev) && prev < 0x80;
		switch (c) {
		case 0xCC:
		case 0xEC:
		case 0xD2:
		case 0xDE:
		case 0xF2:
			if (is_ascii_vowel(prev))
				cp1258 += 2;
			switch (prev) {
			case 0xE2:
			case 0xEA:
			case 0xF4:
			case 0xF5:
			case 0xFD:
			case 0xE3:
			case 0xC2:
			case 0xCA:
			case 0xD4:
			case 0xD5:
			case 0xDD:
			case 0xC3: cp1258 += 3;
			}
			break;
		case 0xD0:
		case 0xF0:
			if (word_start && is_ascii_letter(next))
				cp1258 += 2;
			break;
		}
		if ((c >= 0xA8 && c <= 0xAE) || (c >= 0xB5 && c <= 0xB9) ||
		    (c >= 0xBB && c <= 0xBE))
			tcvn3 += 2;
		else if (c >= 0xA1 && c <= 0xA7 && word_start)
			tcvn3 += 2;
		if (is_ascii_vowel(prev) || prev == 0xF4 || prev == 0xF6 ||
		    prev == 0xD4 || prev == 0xD6) {
			switch (c) {
			case 0xF8:
			case 0xF9:
			case 0xEF:
			case 0xD8:
			case 0xD9:
			case 0xCF: vni += 2; break;
			case 0xFB:
			case 0xF5:
			case 0xE2:
			case 0xEA:
			case 0xE1:
			case 0xE0:
			case 0xE5:
			case 0xE3:
			case 0xE4:
			case 0xE9:
			case 0xE8:
			case 0xFA:
			case 0xFC:
			case 0xEB:
			case 0xDB:
			case 0xD5:
			case 0xC2:
			case 0xCA:
			case 0xC1:
			case 0xC0:
			case 0xC5:
			case 0xC3:
			case 0xC4:
			case 0xC9:
			case 0xC8:
			case 0xDA:
			case 0xDC:
			case 0xCB: vni += 1; break;
			}
		}
		i++;
	}
	if (nul * 8 > len && nul > 1)
		return GUESS_UTF16;
	if (valid_multi > bad)
		return GUESS_DAMAGED;
	size_t best = cp1258;
	enum guess g = GUESS_CP1258;
	if (tcvn3 > best) {
		best = tcvn3;
		g = GUESS_TCVN3;
	}
	if (vni > best) {
		best = vni;
		g = GUESS_VNI;
	}
	return best >= 2 ? g : GUESS_UNKNOWN;
}

static const char *bad_reason(enum bad_kind k)
{
	switch (k) {
	case BAD_NONE: break;
	case BAD_NUL: return "NUL byte";
	case BAD_CONT: return "continuation byte without a lead byte";
	case BAD_LEAD: return "byte never used in UTF-8";
	case BAD_TRUNC: return "truncated sequence";
	case BAD_OVERLONG: return "overlong encoding";
	case BAD_SURROGATE: return "UTF-16 surrogate";
	case BAD_RANGE: return "code point beyond U+10FFFF";
	}
	return "invalid";
}

static const char *guess_hint(enum guess g)
{
	switch (g) {
	case GUESS_UTF16:
		return "the file looks like UTF-16 (\"Unicode text\"): save it "
		       "from the spreadsheet as 'CSV UTF-8', or convert it "
		       "with iconv -f UTF-16 -t UTF-8";
	case GUESS_CP1258:
		return "the file looks like Windows-1258 (Vietnamese ANSI): "
		       "open it in a spreadsheet and save it as 'CSV UTF-8', "
		       "or convert it with iconv -f CP1258 -t UTF-8";
	case GUESS_TCVN3:
		return "the file looks like TCVN3 (ABC, the .Vn fonts): "
		       "convert it to Unicode with a Vietnamese converter "
		       "(Unikey: TCVN3 to Unicode) or with "
		       "iconv -f TCVN5712-1 -t UTF-8, then save it as UTF-8";
	case GUESS_VNI:
		return "the file looks like VNI-Windows (the VNI fonts): "
		       "convert it to Unicode with a Vietnamese converter "
		       "(Unikey: VNI Windows to Unicode), then save it as "
		       "UTF-8";
	case GUESS_DAMAGED:
		return "the rest of the file is UTF-8, so the text here is "
		       "damaged or was pasted from another encoding: retype it "
		       "and save the file as UTF-8";
	case GUESS_UNKNOWN: break;
	}
	return "the file looks like Latin-1 (Windows-1252) or another legacy "
	       "encoding: save it from the spreadsheet as 'CSV UTF-8', or "
	       "convert it with iconv -f WINDOWS-1252 -t UTF-8";
}

enum dti_status dti_text_check_utf8(const char *buf, size_t len,
                                    const char *name, struct dti_error *err)
{
	const unsigned char *s = (const unsigned char *)buf;
	if (!s)
		return len ? DTI_EARG : DTI_OK;
	enum bad_kind why;
	size_t bad = utf8_scan(s, len, &why);
	if (bad == len)
		return DTI_OK;

	/* Locate the byte: the text before it is valid UTF-8. */
	unsigned long line = 1, column = 1;
	size_t start = 0;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		start = 3; /* the BOM is not a character anyone sees */
	for (size_t i = start; i < bad; i++) {
		unsigned c = s[i];
		if (c == '\n' ||
		    (c == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
			line++;
			column = 1;
		} else if ((c & 0xC0) != 0x80 && c != '\r') {
			column++;
		}
	}
	enum guess g = guess_encoding(s, len);
	if (why == BAD_NUL && g != GUESS_UTF16)
		return dti_err_set(err, DTI_EENCODING, name, line, column, NULL,
		                   "not text (NUL byte): the file is binary or "
		                   "damaged; save it as 'CSV UTF-8'");
	if (g == GUESS_DAMAGED)
		return dti_err_set(err, DTI_EENCODING, name, line, column, NULL,
		                   "not UTF-8 (byte 0x%02X: %s); %s", s[bad],
		                   bad_reason(why), guess_hint(g));
	return dti_err_set(err, DTI_EENCODING, name, line, column, NULL,
	                   "not UTF-8 (byte 0x%02X); %s", s[bad],
	                   guess_hint(g));
}

/* ---- display width --------------------------------------------------- */

static int is_zero_width(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	       (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x200B && c <= 0x200F) ||
	       c == 0xFEFF;
}

/* East Asian Wide and Fullwidth blocks (UAX #11), coarsely. */
static int is_wide(uint32_t c)
{
	if (c < 0x1100)
		return 0;
	return (c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
	       (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t dti_text_width(const char *s, size_t len)
{
	if (!s)
		return 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i = 0;
	while (i < len) {
		unsigned c = p[i];
		if (c < 0x80) {
			w += (c >= 0x20 && c != 0x7F);
			i++;
			continue;
		}
		size_t n = seq_len(p, len, i, NULL);
		if (n == 0) {
			w++; /* shown as one replacement character */
			i++;
			continue;
		}
		const unsigned char *q = p + i;
		uint32_t cp = next_cp(&q);
		i += n;
		if (cp < 0xA0 || is_zero_width(cp))
			continue; /* C1 controls, combining marks */
		w += is_wide(cp) ? 2 : 1;
	}
	return w;
}

/* ---- escaping for the screen ----------------------------------------- */

/*
 * Code points that change what a terminal shows rather than showing
 * themselves: C1 controls, the line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates (a U+202E in a comment
 * would show the rest of a table row reversed).
 */
static int is_invisible_control(uint32_t cp)
{
	return (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static enum dti_status esc_byte(struct dti_buf *out, unsigned c)
{
	switch (c) {
	case '\n': return dti_buf_adds(out, "\\n");
	case '\t': return dti_buf_adds(out, "\\t");
	case '\r': return dti_buf_adds(out, "\\r");
	case '\\': return dti_buf_adds(out, "\\\\");
	default: return dti_buf_addf(out, "\\x%02x", c);
	}
}

/* Length of the run at s[i..len) that passes unchanged (0 if s[i] does not),
   and in *bad the length of the sequence to escape when it is 0. */
static size_t plain_run(const unsigned char *p, size_t len, size_t i,
                        unsigned flags, size_t *bad)
{
	size_t start = i;
	*bad = 0;
	while (i < len) {
		unsigned c = p[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7F ||
			    (c == '\\' && !(flags & DTI_TEXT_ESC_JSON)))
				break;
			i++;
			continue;
		}
		size_t n = seq_len(p, len, i, NULL);
		if (n == 0)
			break;
		const unsigned char *q = p + i;
		if (is_invisible_control(next_cp(&q))) {
			if (i == start)
				*bad = n;
			break;
		}
		i += n;
	}
	return i - start;
}

int dti_text_needs_escape(const char *s, size_t len, unsigned flags)
{
	size_t bad;
	return s &&
	       plain_run((const unsigned char *)s, len, 0, flags, &bad) < len;
}

enum dti_status dti_text_escape(struct dti_buf *out, const char *s, size_t len,
                                unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	enum dti_status st = DTI_OK;
	while (s && i < len && !st) {
		size_t bad;
		size_t n = plain_run(p, len, i, flags, &bad);
		if (n) {
			st = dti_buf_add(out, p + i, n);
			i += n;
		} else if (bad) {
			const unsigned char *q = p + i;
			st =
			    dti_buf_addf(out, "\\u%04x", (unsigned)next_cp(&q));
			i += bad;
		} else {
			st = esc_byte(out, p[i]);
			i++;
		}
	}
	return st ? st : dti_buf_status(out);
}

/* ---- fold keys ------------------------------------------------------- */

/*
 * Base letters of the Latin letters Vietnamese (and most Latin-script)
 * names use.  Generated by tools/gen_fold_table.py from Python's
 * unicodedata (canonical, then compatibility decomposition; hand-written
 * bases for letters without one, such as Đ/đ -> d).  ' ' marks a character
 * that is not a letter (a separator), '*' one spelled with two letters
 * (fold_multi).
 */
/* U+00C0..U+01B0 */
static const char fold_00c0[242] = "aaaaaa*ceeeeiiiidnooooo ouuuuy**"
                                   "aaaaaa*ceeeeiiiidnooooo ouuuuy*y"
                                   "aaaaaaccccccccddddeeeeeeeeeegggg"
                                   "gggghhhhiiiiiiiiii**jjkkklllllll"
                                   "lllnnnnnnnnnoooooo**rrrrrrssssss"
                                   "ssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
                                   "                                "
                                   "oo             uu";
/* U+1EA0..U+1EF9: the Vietnamese letters with tone marks */
static const char fold_1ea0[91] = "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
                                  "eeeeeeeeiiiioooooooooooooooooooo"
                                  "oooouuuuuuuuuuuuuuyyyyyyyy";

static const char *fold_multi(uint32_t c)
{
	switch (c) {
	case 0x00C6:
	case 0x00E6: return "ae";
	case 0x00DE:
	case 0x00FE: return "th";
	case 0x00DF: return "ss";
	case 0x0132:
	case 0x0133: return "ij";
	case 0x0152:
	case 0x0153: return "oe";
	}
	return "";
}

/*
 * The letters c stands for in a key: "" for a separator, NULL for a
 * character to skip without separating (combining marks, so NFD input
 * folds like NFC; zero-width joiners; the soft hyphen).
 */
static const char *fold_cp(uint32_t c, char one[2])
{
	one[1] = '\0';
	if (c < 0x80) {
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			one[0] = (char)c;
			return one;
		}
		return "";
	}
	if (is_zero_width(c) || c == 0x00AD || c == 0x2060) {
		if (c == 0x200B)
			return ""; /* a zero-width space still separates words
			            */
		return NULL;
	}
	char b = 0;
	if (c >= 0x00C0 && c <= 0x01B0)
		b = fold_00c0[c - 0x00C0];
	else if (c >= 0x1EA0 && c <= 0x1EF9)
		b = fold_1ea0[c - 0x1EA0];
	else if (c >= 0xFF10 && c <= 0xFF19)
		b = (char)('0' + (c - 0xFF10)); /* fullwidth forms */
	else if (c >= 0xFF21 && c <= 0xFF3A)
		b = (char)('a' + (c - 0xFF21));
	else if (c >= 0xFF41 && c <= 0xFF5A)
		b = (char)('a' + (c - 0xFF41));
	if (b == '*')
		return fold_multi(c);
	if (b == 0 || b == ' ')
		return "";
	one[0] = b;
	return one;
}

size_t dti_text_fold(const char *s, char *out, size_t outsz)
{
	if (!outsz)
		return 0;
	size_t n = 0;
	int sep = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		uint32_t c = next_cp(&p);
		char one[2];
		const char *t = c == BAD_CP ? "" : fold_cp(c, one);
		if (!t)
			continue;
		if (!*t) {
			sep = 1;
			continue;
		}
		size_t tl = strlen(t);
		size_t need = tl + (sep && n > 0);
		if (n + need > outsz - 1)
			break; /* truncated: never end on a separator */
		if (sep && n > 0)
			out[n++] = ' ';
		memcpy(out + n, t, tl);
		n += tl;
		sep = 0;
	}
	out[n] = '\0';
	return n;
}

/* ---- cutting ---------------------------------------------------------- */

size_t dti_utf8_cut(const char *s, char *out, size_t outsz)
{
	if (!outsz)
		return 0;
	size_t n = strlen(s);
	if (n >= outsz) {
		n = outsz - 1;
		/* not inside a character: back to its first byte */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

/* ---- ICU, opened when first needed -------------------------------- */

/* ICU's names carry its version (ucol_open_72): expanded, then quoted */
#define ICU_QUOTE2(f) #f
#define ICU_QUOTE(f)  ICU_QUOTE2(f)
#define ICU_NAME(f)   ICU_QUOTE(f),
#define ICU_SONAME    "libicui18n.so." ICU_QUOTE(U_ICU_VERSION_MAJOR_NUM)
/* libicui18n, and through it libicuuc (dlsym searches both) */
#define ICU_FUNCS(X)                                                           \
	X(ucol_open)                                                           \
	X(ucol_close)                                                          \
	X(ucol_setAttribute)                                                   \
	X(ucol_strcollUTF8)                                                    \
	X(u_charType)                                                          \
	X(u_isupper)

static struct {
	ICU_FUNCS(DTI_DL_FIELD)
} icu;
static const char *const icu_names[] = {ICU_FUNCS(ICU_NAME)};
#define ICU_SLOT(f) (void *)&icu.f,
static void *const icu_slots[] = {ICU_FUNCS(ICU_SLOT)};
static int icu_loaded;
static pthread_once_t icu_once = PTHREAD_ONCE_INIT;

static void load_icu(void)
{
	char fault[256];
	icu_loaded = dti_dl_load(ICU_SONAME, icu_names, icu_slots,
	                         sizeof icu_names / sizeof *icu_names, fault,
	                         sizeof fault) != NULL;
}

enum dti_uchar_class dti_uchar_class(uint32_t cp)
{
	pthread_once(&icu_once, load_icu);
	int8_t type;
	if (icu_loaded)
		type = icu.u_charType((UChar32)cp);
	else if ((cp >= 0x300 && cp <= 0x36F) ||
	         (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	         (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	         (cp >= 0x20D0 && cp <= 0x20FF))
		type = U_NON_SPACING_MARK;
	else if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF ||
	         cp == 0x00AD)
		type = U_FORMAT_CHAR;
	else if (cp >= 0x2010 && cp <= 0x2015)
		type = U_DASH_PUNCTUATION;
	else
		type = U_OTHER_PUNCTUATION;
	if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
	    type == U_FORMAT_CHAR)
		return DTI_UCHAR_MARK;
	return type == U_DASH_PUNCTUATION ? DTI_UCHAR_DASH : DTI_UCHAR_OTHER;
}

int dti_uchar_is_upper(uint32_t cp)
{
	pthread_once(&icu_once, load_icu);
	if (icu_loaded)
		return icu.u_isupper((UChar32)cp) != 0;
	/* Latin-1; Latin Extended-A where capitals are even (Ă, Đ, Ĩ, Ũ);
	 * Ơ, Ư; the Vietnamese letters of Latin Extended Additional */
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
	    (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) &&
	     cp % 2 == 0) ||
	    cp == 0x1A0 || cp == 0x1AF ||
	    (cp >= 0x1EA0 && cp <= 0x1EF9 && cp % 2 == 0))
		return 1;
	return 0;
}

/* ---- collation ------------------------------------------------------- */

static UCollator *vi_collator;
static pthread_once_t vi_once = PTHREAD_ONCE_INIT;

static void open_collator(void)
{
	pthread_once(&icu_once, load_icu);
	if (!icu_loaded)
		return;
	UErrorCode st = U_ZERO_ERROR;
	UCollator *c = icu.ucol_open("vi", &st);
	if (U_FAILURE(st)) {
		if (c)
			icu.ucol_close(c);
		return;
	}
	/* names typed on a Mac arrive decomposed (NFD) */
	icu.ucol_setAttribute(c, UCOL_NORMALIZATION_MODE, UCOL_ON, &st);
	if (U_FAILURE(st)) {
		icu.ucol_close(c);
		return;
	}
	vi_collator = c;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Without ICU: accent-free order, then bytes, so the order stays total. */
static int collate_fallback(const char *a, const char *b)
{
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	char *ka = malloc(la), *kb = malloc(lb);
	int r = 0;
	if (ka && kb) {
		dti_text_fold(a, ka, la);
		dti_text_fold(b, kb, lb);
		r = strcmp(ka, kb);
	}
	free(ka);
	free(kb);
	return r ? sign(r) : sign(strcmp(a, b));
}

int dti_text_collate(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	pthread_once(&vi_once, open_collator);
	if (vi_collator) {
		UErrorCode st = U_ZERO_ERROR;
		UCollationResult r =
		    icu.ucol_strcollUTF8(vi_collator, a, -1, b, -1, &st);
		if (U_SUCCESS(st)) {
			if (r == UCOL_LESS)
				return -1;
			if (r == UCOL_GREATER)
				return 1;
			/* equal for people (NFC vs NFD): keep a total order */
			return sign(strcmp(a, b));
		}
	}
	return collate_fallback(a, b);
}

/* ---- strings --------------------------------------------------------- */

int dti_streq_ci(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
		if (ca != cb)
			return 0;
		if (!ca)
			return 1;
	}
}

char *dti_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	             s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int dti_key_is(const char *s, const char *key)
{
	char k[256];
	dti_text_fold(s, k, sizeof k);
	return strcmp(k, key) == 0;
}

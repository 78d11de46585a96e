/* lib/cmdline.c: see cmdline.h. */
#include <lib/cmdline.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cmdline_find(const char *cmdline, const char *key, const char **value, size_t *len)
{
	const char *p = cmdline;

	if (!p || !key || !*key)
		return false;
	while (*p) {
		const char *word, *k = key;

		while (is_space(*p))
			p++;
		word = p;
		while (*k && *p == *k) {
			p++;
			k++;
		}
		if (!*k && (!*p || is_space(*p) || *p == '=')) {
			const char *v = *p == '=' ? p + 1 : p;
			const char *e = v;

			while (*e && !is_space(*e))
				e++;
			if (value)
				*value = v;
			if (len)
				*len = (size_t)(e - v);
			return true;
		}
		p = word;
		while (*p && !is_space(*p))
			p++;
	}
	return false;
}

bool cmdline_value_is(const char *cmdline, const char *key, const char *want)
{
	const char *v;
	size_t len, i;

	if (!cmdline_find(cmdline, key, &v, &len))
		return false;
	for (i = 0; i < len; i++)
		if (want[i] != v[i])
			return false;
	return want[i] == '\0';
}

bool cmdline_uint(const char *cmdline, const char *key, unsigned int *out)
{
	const char *v;
	size_t len;
	unsigned int n = 0;

	if (!cmdline_find(cmdline, key, &v, &len) || len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (unsigned int)(v[i] - '0');
	}
	*out = n;
	return true;
}

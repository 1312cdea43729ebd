/* A walk through a list's pages: see tests/page-walk.h. */
#include "page-walk.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

void page_walk_start(struct page_walk *w)
{
	snprintf(w->seen, sizeof(w->seen), ",");
	w->shown = 0;
}

void page_walk_add(struct page_walk *w, const char *name)
{
	size_t len = strlen(w->seen);
	ck_assert_uint_lt(len + strlen(name) + 2, sizeof(w->seen));
	snprintf(w->seen + len, sizeof(w->seen) - len, "%s,", name);
	w->shown++;
}

void page_walk_run(struct page_walk *w, int size, page_walk_fetch fetch, void (*between)(void *payload),
                   void *payload)
{
	char token[PAGE_WALK_TOKEN] = "", next[PAGE_WALK_TOKEN];
	page_walk_start(w);
	for (int pages = 1;; pages++) {
		ck_assert_int_le(pages, 20);
		next[0] = '\0';
		fetch(w, size, token, next, payload);
		if (next[0] == '\0')
			break;
		snprintf(token, sizeof(token), "%s", next);
		if (pages == 1 && between != NULL)
			between(payload);
	}
}

void page_walk_check(const struct page_walk *w, const char *const *names, int count, int size)
{
	const char *before = w->seen;
	for (int i = 0; i < count; i++) {
		char item[512];
		snprintf(item, sizeof(item), ",%s,", names[i]);
		const char *at = strstr(w->seen, item);
		ck_assert_msg(at != NULL && strstr(at + 1, item) == NULL, "page size %d: %s not once in %s", size, names[i],
		              w->seen);
		ck_assert_msg(at >= before, "page size %d: %s out of order in %s", size, names[i], w->seen);
		before = at;
	}
	ck_assert_msg(w->shown == count, "page size %d: %d shown, not %d: %s", size, w->shown, count, w->seen);
}

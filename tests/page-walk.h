/*
 * A walk through a list's pages (tests/page-walk.c): the names each page showed, and
 * the check that a tie-breaking keyset pages prove, whatever the list: each name
 * shown once, in the list's order, nothing else.
 */
#ifndef NUMBERING_TESTS_PAGE_WALK_H
#define NUMBERING_TESTS_PAGE_WALK_H

#define PAGE_WALK_TEXT 4096

struct page_walk {
	char seen[PAGE_WALK_TEXT]; /* ",name,name," */
	int shown;
};

/* Starts @w: nothing shown. */
void page_walk_start(struct page_walk *w);

/* Notes that a page showed @name. */
void page_walk_add(struct page_walk *w, const char *name);

/* Fails the test unless @w showed @names (@count of them), each once, in this order,
 * and nothing else; @size (the page size) names the walk in the failure. */
void page_walk_check(const struct page_walk *w, const char *const *names, int count, int size);

#endif

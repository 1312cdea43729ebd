/*
 * A walk through a list's pages (tests/page-walk.c): the names each page showed, and
 * the check that a tie-breaking keyset pages prove, whatever the list: each name
 * shown once, in the list's order, nothing else.
 */
#ifndef NUMBERING_TESTS_PAGE_WALK_H
#define NUMBERING_TESTS_PAGE_WALK_H

#include <stddef.h>

#define PAGE_WALK_TEXT 4096
#define PAGE_WALK_TOKEN 1024 /* a page token's text, and more */

struct page_walk {
	char seen[PAGE_WALK_TEXT]; /* ",name,name," */
	int shown;
};

/* Starts @w: nothing shown. */
void page_walk_start(struct page_walk *w);

/* Notes that a page showed @name. */
void page_walk_add(struct page_walk *w, const char *name);

/* Lists the page of @size after @token ("" for the first) into @w, each item through
 * page_walk_add(), and the page's next token into @next ("" on the last page). */
typedef void (*page_walk_fetch)(struct page_walk *w, int size, const char *token, char next[PAGE_WALK_TOKEN],
                                void *payload);

/* Starts @w and walks every page of @size from the first with @fetch; after the first
 * page, when there is another, @between (unless NULL) runs: what changes between two
 * pages. Fails the test past 20 pages. */
void page_walk_run(struct page_walk *w, int size, page_walk_fetch fetch, void (*between)(void *payload),
                   void *payload);

/* Fails the test unless @w showed @names (@count of them), each once, in this order,
 * and nothing else; @size (the page size) names the walk in the failure. */
void page_walk_check(const struct page_walk *w, const char *const *names, int count, int size);

#endif
